import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { InvalidArgumentError } from '../errors';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The dashboard binds to loopback unless told otherwise, and another address needs a token of at
 * least 16 characters: the studies (params, attributes, paths) are the user's data.
 */
export function checkBinding(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < 16)
    throw new InvalidArgumentError('--token', '(hidden)', 'at least 16 characters');
  if (!LOOPBACK.has(host) && token === undefined) {
    throw new InvalidArgumentError(
      '--host',
      host,
      '127.0.0.1 (the default), ::1 or localhost; another address needs --token',
    );
  }
}

/** Whether a request carries the token (`?token=` or `Authorization: Bearer`); true when none is set. */
export function authorised(req: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization;
  const given = url.searchParams.get('token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : null);
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

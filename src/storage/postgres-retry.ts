/**
 * Which PostgreSQL failures are worth another try, and the backoff between tries. A worker on
 * another machine sees the network drop, the server restart or a deadlock; none of those should
 * lose the trial it is recording, so they are retried until `retryForMs` has passed.
 */

/** Node socket errors that a reconnect can cure. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs that say "try again": serialization failure, deadlock, too many connections, the
 * server shutting down or starting up, and the whole connection-exception class 08.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03']);

/** How the `pg` client words a connection it lost or could not make in time. */
const TRANSIENT_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|Query read timeout|Client has encountered a connection error/i;

/** Whether an error from the `pg` client may go away if the operation is tried again. */
export function isTransient(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (TRANSIENT_SOCKET_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return true;
  return typeof err?.message === 'string' && TRANSIENT_MESSAGES.test(err.message);
}

/** Whether the server reported a deadlock (counted apart: the load benchmark reports them). */
export function isDeadlock(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === '40P01';
}

/**
 * The wait before try `attempt` (1, 2, ...): doubling from `baseMs`, capped at `maxMs`. Jitter comes
 * from the process id and attempt rather than a random draw, so runs stay reproducible while
 * workers that failed together do not all come back at the same instant.
 */
export function backoffMs(attempt: number, baseMs = 50, maxMs = 2000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 16));
  const spread = ((process.pid * 7919 + attempt * 104_729) % 1000) / 1000; // in [0, 1)
  return Math.round(exp * (0.5 + spread / 2));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

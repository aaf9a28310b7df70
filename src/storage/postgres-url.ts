import { InvalidArgumentError } from '../errors';

/** Where a PostgreSQL storage connects, with the password kept apart so no message can show it. */
export interface PostgresTarget {
  /** The URL as the `pg` client reads it (password included); never print it. */
  readonly connectionString: string;
  /** `postgres://user@host:port/db`: safe for logs and error messages. */
  readonly display: string;
  readonly host: string;
  readonly database: string;
  /** Passwords to scrub from any message: the URL's and `PGPASSWORD`'s. */
  readonly secrets: readonly string[];
}

const PG_URL = /^postgres(?:ql)?:\/\//i;

/** Whether a storage URL names PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return PG_URL.test(url);
}

/** A storage URL with any password replaced by `***`: for logs, errors and printed configs. */
export function redactStorageUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/**
 * Parses `postgres://user[:password]@host[:port]/database`. The port defaults to 5432, the user
 * and database to the client's defaults (`PGUSER`, `PGDATABASE`). Query parameters go to the `pg`
 * client unchanged (e.g. `?sslmode=require`).
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError('storage', redactStorageUrl(url), 'postgres://user@host:port/database');
  }
  const host = decodeURIComponent(parsed.hostname) || 'localhost';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || process.env['PGDATABASE'] || 'postgres';
  const user = decodeURIComponent(parsed.username);
  const port = parsed.port || '5432';
  const secrets = [decodeURIComponent(parsed.password), parsed.password, process.env['PGPASSWORD'] ?? ''].filter(
    (s) => s.length > 0,
  );
  return {
    connectionString: url,
    display: `postgres://${user === '' ? '' : `${user}@`}${host}:${port}/${database}`,
    host,
    database,
    secrets,
  };
}

/** Removes every secret from a message (a driver may echo its connection string back). */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = redactStorageUrl(message);
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

import { existsSync } from 'node:fs';

import { InvalidArgumentError, StudyNotFoundError } from '../errors';
import type { Storage } from './base';
import { InMemoryStorage } from './memory';
import type { PostgresStorage } from './postgres';
import { isPostgresUrl, redactStorageUrl } from './postgres-url';
import { SqliteStorage } from './sqlite';

/** The storage URL forms users may write. */
export const STORAGE_URL_FORMS =
  "omitted or 'memory' (in this process), 'sqlite:PATH' (e.g. 'sqlite:./tfjs-tune.db'), 'postgres://user@host:port/database'";

/** Whether a storage keeps trials beyond this process (heartbeats matter only then). */
export function isPersistent(storage: Storage): boolean {
  return !(storage instanceof InMemoryStorage);
}

/** The file a SQLite storage URL names, or null for any other URL (or a storage object). */
export function sqlitePathOf(url: string | Storage | undefined): string | null {
  if (typeof url !== 'string') return null;
  const sqlite = /^sqlite:(?:\/\/)?([^?]+)/i.exec(url);
  if (sqlite !== null) return sqlite[1] as string;
  return /\.(db|sqlite3?)$/.test(url) && !url.includes('://') ? url : null;
}

/**
 * Opens a storage that must hold data already: a SQLite URL whose file does not exist is a
 * `StudyNotFoundError` and creates no file (a typo in a path must not look like an empty storage).
 */
export function existingStorageFromUrl(url: string | Storage | undefined): Storage {
  const path = sqlitePathOf(url);
  if (path !== null && !existsSync(path))
    throw new StudyNotFoundError(`no SQLite file at ${path}; nothing was created`);
  return storageFromUrl(url);
}

/**
 * Opens a storage from its URL: omitted or `memory` → in memory; `sqlite:./path.db`,
 * `sqlite:///abs/path.db` or a path ending in `.db` / `.sqlite` → the embedded SQLite file;
 * `postgres://user[:password]@host:port/database` → a PostgreSQL server that many machines share.
 */
export function storageFromUrl(url: string | Storage | undefined): Storage {
  if (url === undefined || url === 'memory' || url === ':memory:') return new InMemoryStorage();
  if (typeof url !== 'string') return url;
  const sqlite = /^sqlite:(?:\/\/)?([^?]+)(?:\?synchronous=(full|normal))?$/i.exec(url);
  if (sqlite !== null) {
    const sync = sqlite[2]?.toUpperCase() as 'FULL' | 'NORMAL' | undefined;
    return new SqliteStorage(sqlite[1] as string, sync === undefined ? {} : { synchronous: sync });
  }
  if (/\.(db|sqlite3?)$/.test(url) && !url.includes('://')) return new SqliteStorage(url);
  if (isPostgresUrl(url)) return new (postgresStorageClass())(url);
  throw new InvalidArgumentError('storage', redactStorageUrl(url), STORAGE_URL_FORMS);
}

/**
 * `pg` and its type parsers are loaded for a PostgreSQL URL only: every other launch of the CLI
 * and every trial worker thread would pay for them and never use them.
 */
function postgresStorageClass(): typeof PostgresStorage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (require('./postgres') as { PostgresStorage: typeof PostgresStorage }).PostgresStorage;
}

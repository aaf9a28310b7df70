import Database from 'better-sqlite3';
import { InvalidArgumentError, StorageError, TfjsTuneError } from '../errors';
import { migrate } from './sqlite-schema';

export interface SqliteStorageOptions {
  /**
   * How long a write waits for another process's transaction before failing, in ms. Generous by
   * default (30 s) so many workers on one file queue up instead of erroring.
   */
  readonly busyTimeoutMs?: number;
  /**
   * `NORMAL` (default) in WAL mode: every commit is in the WAL before its promise resolves, so it
   * survives the crash or SIGKILL of any process (the contract's promise); the last commits may be
   * lost on a power loss or OS crash. `FULL` fsyncs at every commit to survive those too, at the
   * price of one disk sync per write (measured 8–21 ms per ask+tell here against 0.5–0.9 ms).
   * Choose it with `sqlite:PATH?synchronous=full`.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

export const DEFAULT_BUSY_TIMEOUT_MS = 30_000;

/**
 * The SQLite result code of an error, read by duck typing: better-sqlite3's native addon keeps the
 * SqliteError class of whichever module instance loaded it first, so `instanceof` fails when the
 * module is loaded more than once in a process (as jest does, once per test file).
 */
export function sqliteCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** Opens (creating if needed) and configures a tfjs-tune database; every failure is a StorageError. */
export function openDatabase(path: string, options: SqliteStorageOptions): Database.Database {
  const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busy) || busy < 0) {
    throw new InvalidArgumentError('busyTimeoutMs', busy, 'a non-negative integer number of milliseconds');
  }
  const sync = options.synchronous ?? 'NORMAL';
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new InvalidArgumentError('synchronous', sync, '"FULL" or "NORMAL"');
  let db: Database.Database;
  try {
    // `timeout` is SQLite's busy_timeout: a locked file is retried for that long, not failed at once.
    db = new Database(path, { timeout: busy });
  } catch (e) {
    throw new StorageError(`cannot open SQLite database "${path}": ${(e as Error).message}`);
  }
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      // WAL lets readers run while one process writes; the mode is stored in the file itself.
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${sync}`);
      db.pragma('foreign_keys = ON'); // per connection, and needed for ON DELETE CASCADE
      migrate(db, path);
      return db;
    } catch (e) {
      // Switching a new file to WAL while another process does the same can be refused with
      // SQLITE_BUSY at once, without SQLite's busy handler waiting: wait here instead, as long as
      // busy_timeout allows. Every step above is idempotent, so it is safe to run again.
      if (sqliteCode(e)?.startsWith('SQLITE_BUSY') === true && Date.now() - started < busy) {
        sleepSync(Math.min(200, 5 * 2 ** attempt + (process.pid % 7)));
        continue;
      }
      db.close();
      if (e instanceof TfjsTuneError) throw e;
      throw new StorageError(`cannot use SQLite database "${path}": ${(e as Error).message}`);
    }
  }
}

/** Blocks the thread for `ms` (opening is synchronous, as better-sqlite3 is). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

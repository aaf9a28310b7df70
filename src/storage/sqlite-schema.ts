import type Database from 'better-sqlite3';
import { StorageError } from '../errors';

/**
 * The tables of the SQLite storage, modelled on Optuna's RDB storage. Conventions:
 * - Times are integer milliseconds since the epoch (exact, and cheap to compare for heartbeats).
 * - Objective and intermediate values are REAL: SQLite keeps ±Infinity in a REAL exactly, while a
 *   NaN cannot be stored at all (binding one yields NULL), so NULL in those columns stands for NaN.
 * - Params hold the JSON of the external value (a JSON scalar, so the round trip is exact) and the
 *   distribution's JSON; either may be NULL because a template may carry one without the other.
 * - Attribute tables have a rowid so reads can return keys in the order they were first set.
 */
const V1 = `
CREATE TABLE studies (
  -- AUTOINCREMENT: ids of deleted studies and trials are never reused, so a stale id held by
  -- another process can never address someone else's new row.
  study_id INTEGER PRIMARY KEY AUTOINCREMENT,
  study_name TEXT NOT NULL UNIQUE,
  directions_json TEXT NOT NULL,
  datetime_start INTEGER NOT NULL
);
CREATE TABLE study_user_attrs (
  attr_id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (study_id, key)
);
CREATE TABLE study_system_attrs (
  attr_id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (study_id, key)
);
CREATE TABLE trials (
  trial_id INTEGER PRIMARY KEY AUTOINCREMENT,
  study_id INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING')),
  datetime_start INTEGER,
  datetime_complete INTEGER,
  heartbeat INTEGER,
  UNIQUE (study_id, number)
);
-- Serves claimWaitingTrial (oldest WAITING) and failStaleTrials (RUNNING) without a study scan.
CREATE INDEX trials_study_state ON trials (study_id, state, number);
CREATE TABLE trial_params (
  param_id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value_json TEXT,
  distribution_json TEXT,
  UNIQUE (trial_id, name),
  CHECK (value_json IS NOT NULL OR distribution_json IS NOT NULL)
);
CREATE TABLE trial_values (
  trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  objective INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (trial_id, objective)
) WITHOUT ROWID;
CREATE TABLE trial_intermediate_values (
  trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (trial_id, step)
) WITHOUT ROWID;
CREATE TABLE trial_user_attrs (
  attr_id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (trial_id, key)
);
CREATE TABLE trial_system_attrs (
  attr_id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (trial_id, key)
);
`;

/**
 * `MIGRATIONS[v]` upgrades a database from schema version v to v + 1 (version 0 is an empty
 * file). Append to this list; never edit a released entry, since files in the field ran it.
 */
const MIGRATIONS: readonly string[] = [V1];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Our own name for the version table: Optuna's files have a `version_info` table too, and
 * mistaking one for ours would give a misleading "schema too new" error.
 */
export const VERSION_TABLE = 'tfjs_tune_version_info';

function readVersion(db: Database.Database, path: string): number {
  const hasTable = db
    .prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(VERSION_TABLE);
  if (hasTable === undefined || hasTable.n === 0) {
    const other = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1",
      )
      .get();
    if (other !== undefined) {
      throw new StorageError(
        `"${path}" holds tables (such as "${other.name}") but no ${VERSION_TABLE}: it is not a tfjs-tune database`,
      );
    }
    return 0;
  }
  const row = db
    .prepare<[], { schema_version: number }>(`SELECT schema_version FROM ${VERSION_TABLE} WHERE id = 1`)
    .get();
  return row?.schema_version ?? 0;
}

function checkNotNewer(version: number, path: string): void {
  if (version > SCHEMA_VERSION) {
    throw new StorageError(
      `"${path}" has schema version ${version}, newer than the ${SCHEMA_VERSION} this tfjs-tune understands: upgrade tfjs-tune`,
    );
  }
}

/**
 * Brings the file to {@link SCHEMA_VERSION}. The common case (already current) is a plain read, so
 * many processes opening one file don't queue for the write lock; otherwise the version is read
 * again inside an IMMEDIATE transaction, so two processes creating a new file never both migrate.
 */
export function migrate(db: Database.Database, path: string): void {
  // One read transaction, so both of readVersion's queries see the same snapshot: outside one, another
  // process's migration could commit between them (the version table missing, then present).
  const seen = db.transaction(() => readVersion(db, path)).deferred();
  checkNotNewer(seen, path);
  if (seen === SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = readVersion(db, path);
    checkNotNewer(current, path);
    if (current === 0) {
      db.exec(`CREATE TABLE ${VERSION_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), schema_version INTEGER NOT NULL)`);
      db.prepare(`INSERT INTO ${VERSION_TABLE} (id, schema_version) VALUES (1, 0)`).run();
    }
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    db.prepare(`UPDATE ${VERSION_TABLE} SET schema_version = ? WHERE id = 1`).run(SCHEMA_VERSION);
  }).immediate();
}

import type { PoolClient } from 'pg';
import { StorageError } from '../errors';

/**
 * The tables of the PostgreSQL storage: the SQLite layout, in PostgreSQL's types. Conventions:
 * - Times are BIGINT milliseconds since the epoch, taken from the server's clock, so heartbeats of
 *   workers on machines whose clocks disagree are still compared on one clock.
 * - Values are DOUBLE PRECISION, which keeps NaN and ±Infinity exactly.
 * - Params and attributes hold JSON as TEXT, not JSONB: JSONB reorders keys, TEXT round-trips.
 * - Every foreign key and every filter of a hot query has an index (Optuna's RDB storage lacked one
 *   on trials.study_id, and 100+ workers pinned a database at 100 % CPU: optuna#4444).
 * - `create_token` makes `createTrial` idempotent: a retry after a connection lost during COMMIT
 *   finds the trial it may already have created instead of making a second one.
 */
const V1 = `
CREATE TABLE studies (
  study_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  study_name TEXT NOT NULL UNIQUE,
  directions_json TEXT NOT NULL,
  datetime_start BIGINT NOT NULL,
  -- The next trial number: bumped in the statement that inserts the trial (see createTrial).
  next_number INTEGER NOT NULL
);
CREATE TABLE study_user_attrs (
  attr_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  study_id BIGINT NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (study_id, key)
);
CREATE TABLE study_system_attrs (
  attr_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  study_id BIGINT NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (study_id, key)
);
CREATE TABLE trials (
  trial_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  study_id BIGINT NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING')),
  datetime_start BIGINT,
  datetime_complete BIGINT,
  heartbeat BIGINT,
  create_token TEXT UNIQUE,
  UNIQUE (study_id, number)
);
-- UNIQUE (study_id, number) serves the next number and number-ordered reads; this one serves
-- claimWaitingTrial (oldest WAITING) and failStaleTrials (RUNNING) without a scan of the study.
CREATE INDEX trials_study_state ON trials (study_id, state, number);
CREATE TABLE trial_params (
  param_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trial_id BIGINT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value_json TEXT,
  distribution_json TEXT,
  UNIQUE (trial_id, name),
  CHECK (value_json IS NOT NULL OR distribution_json IS NOT NULL)
);
CREATE TABLE trial_values (
  trial_id BIGINT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  objective INTEGER NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (trial_id, objective)
);
CREATE TABLE trial_intermediate_values (
  trial_id BIGINT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (trial_id, step)
);
CREATE TABLE trial_user_attrs (
  attr_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trial_id BIGINT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (trial_id, key)
);
CREATE TABLE trial_system_attrs (
  attr_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trial_id BIGINT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value_json TEXT NOT NULL,
  UNIQUE (trial_id, key)
);
`;

/**
 * `MIGRATIONS[v]` upgrades a database from schema version v to v + 1 (version 0 is an empty
 * database). Append to this list; never edit a released entry, since databases in the field ran it.
 */
const MIGRATIONS: readonly string[] = [V1];

/** The schema version this code writes and understands. */
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Our own name for the version table (Optuna's RDB storage has a `version_info` of its own). */
export const PG_VERSION_TABLE = 'tfjs_tune_version_info';

/** Any fixed 64-bit key: every tfjs-tune process migrating one database queues on it. */
const MIGRATION_LOCK = 7_413_902_155;

async function readVersion(client: PoolClient, where: string): Promise<number> {
  // pg_tables rather than to_regclass: to_regclass reads the catalog cache, which an advisory lock
  // does not refresh, so a worker that waited for another's migration could miss its tables.
  const tables = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ($1, 'studies', 'trials')",
    [PG_VERSION_TABLE],
  );
  const names = tables.rows.map((r) => r.name);
  if (!names.includes(PG_VERSION_TABLE)) {
    if (names.length > 0) {
      throw new StorageError(
        `${where} holds a table "${names[0]}" but no ${PG_VERSION_TABLE}: it is not a tfjs-tune database (use another database)`,
      );
    }
    return 0;
  }
  const row = await client.query<{ schema_version: number }>(
    `SELECT schema_version FROM ${PG_VERSION_TABLE} WHERE id = 1`,
  );
  return row.rows[0]?.schema_version ?? 0;
}

function checkNotNewer(version: number, where: string): void {
  if (version > PG_SCHEMA_VERSION) {
    throw new StorageError(
      `${where} has schema version ${version}, newer than the ${PG_SCHEMA_VERSION} this tfjs-tune understands: upgrade tfjs-tune`,
    );
  }
}

/**
 * Brings the database to {@link PG_SCHEMA_VERSION}. The common case (already current) is one read;
 * otherwise the version is read again under a transaction-scoped advisory lock, so two workers
 * starting on a new database never both migrate. PostgreSQL's DDL is transactional: a migration
 * that fails half-way leaves nothing behind.
 */
export async function migratePostgres(client: PoolClient, where: string): Promise<void> {
  const seen = await readVersion(client, where);
  checkNotNewer(seen, where);
  if (seen === PG_SCHEMA_VERSION) return;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const current = await readVersion(client, where);
    checkNotNewer(current, where);
    if (current === 0) {
      await client.query(
        `CREATE TABLE ${PG_VERSION_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), schema_version INTEGER NOT NULL)`,
      );
      await client.query(`INSERT INTO ${PG_VERSION_TABLE} (id, schema_version) VALUES (1, 0)`);
    }
    for (let v = current; v < PG_SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v] as string);
    await client.query(`UPDATE ${PG_VERSION_TABLE} SET schema_version = $1 WHERE id = 1`, [PG_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

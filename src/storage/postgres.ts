import { hostname } from 'os';
import { Pool, types, type PoolClient, type QueryResultRow } from 'pg';
import { DuplicatedStudyError, InvalidArgumentError, StorageError, StudyNotFoundError, TfjsTuneError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import { isFinished, type StudyDirection, type TrialState } from '../trial/state';
import { FAIL_REASON_KEY, type CreateTrialOptions, type Storage, type StudyRecord, type TrialTemplate } from './base';
import { assertWritable } from './check-writable';
import { assemblePgStudy, assemblePgTrials, type PgStudyRow, type PgTrialRow } from './postgres-rows';
import { backoffMs, isDeadlock, isTransient, sleep } from './postgres-retry';
import { migratePostgres } from './postgres-schema';
import { SQL } from './postgres-sql';
import { parsePostgresUrl, scrub, type PostgresTarget } from './postgres-url';
import { DistributionCache } from './sqlite-rows';

export interface PostgresStorageOptions {
  /** Connections this process keeps open at most (default 4: one study's calls are sequential). */
  readonly poolSize?: number;
  /**
   * How long an operation keeps retrying a lost connection, a restarting server, a deadlock or a
   * serialization failure before it fails, in ms (default 120 000). Retries back off from 50 ms to 2 s.
   */
  readonly retryForMs?: number;
  /**
   * How long one statement may wait for the server before its connection is treated as lost and
   * the operation retried on a new one, in ms (default 15 000). Without it a statement sent into a
   * network partition would wait for TCP to give up, many minutes later.
   */
  readonly statementTimeoutMs?: number;
}

/** BIGINT (ids, epoch ms) comes back from `pg` as a string; ours all fit a double exactly. */
const INT8_OID = 20;
const parseInt8 = (v: string): number => Number(v);
const int8AsNumber = ((oid: number, format?: 'text' | 'binary'): unknown =>
  oid === INT8_OID ? parseInt8 : (types.getTypeParser(oid, format) as unknown)) as typeof types.getTypeParser;

/** Process-unique tokens for createTrial's idempotent retry; no random draw needed. */
const TOKEN_PREFIX = `${hostname()}:${process.pid}:${Date.now()}:`;
let tokenCounter = 0;

/** What a storage retried, and how many of those were deadlocks (the load benchmark reports them). */
export interface PostgresStorageCounters {
  retries: number;
  deadlocks: number;
}

/**
 * The storage many machines share: one PostgreSQL database. Each hot operation is a single
 * statement (one round trip, atomic on its own; see `postgres-sql.ts`); trial numbers come from a
 * per-study counter bumped in the statement that inserts the trial, so they are unique and
 * gap-free under any number of writers and `maxTrials` is never overshot; WAITING trials are
 * claimed with `FOR UPDATE SKIP LOCKED`. Heartbeats use the server's clock. The schema is created
 * or migrated on first use. Connection problems are retried with backoff for `retryForMs`, then
 * fail with a `StorageError` naming host and database, never the password.
 *
 * @example
 * const storage = new PostgresStorage('postgres://tune@db.lan:5432/studies');
 * const studyId = await storage.createStudy('mnist-mlp', ['minimize']);
 */
export class PostgresStorage implements Storage {
  private readonly pool: Pool;
  private readonly target: PostgresTarget;
  private readonly retryForMs: number;
  private readonly dists = new DistributionCache();
  private schemaReady: Promise<void> | null = null;
  private readonly heartbeats = new Map<number, Promise<void>>();
  private closed = false;
  /** Retries and deadlocks seen by this process (the load benchmark reports them). */
  readonly counters: PostgresStorageCounters = { retries: 0, deadlocks: 0 };

  constructor(url: string, options: PostgresStorageOptions = {}) {
    this.target = parsePostgresUrl(url);
    const poolSize = options.poolSize ?? 4;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new InvalidArgumentError('poolSize', poolSize, 'a positive integer');
    }
    this.retryForMs = options.retryForMs ?? 120_000;
    if (!(this.retryForMs >= 0)) throw new InvalidArgumentError('retryForMs', this.retryForMs, 'a number ≥ 0 of ms');
    const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
    this.pool = new Pool({
      connectionString: this.target.connectionString,
      max: poolSize,
      connectionTimeoutMillis: statementTimeoutMs,
      query_timeout: statementTimeoutMs,
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      // Idle connections do not keep Node alive (as an open SQLite file does not): a worker thread
      // that ends on an error without closing its storage still exits.
      allowExitOnIdle: true,
      application_name: 'tfjs-tune',
      types: { getTypeParser: int8AsNumber },
    });
    // An idle connection the server or the network drops emits here; without a listener Node would
    // crash the process. The next operation reconnects (and retries) on its own.
    this.pool.on('error', () => undefined);
  }

  /** `postgres://user@host:port/db`, without the password. */
  get description(): string {
    return this.target.display;
  }

  async createStudy(studyName: string, directions: readonly StudyDirection[]): Promise<number> {
    const json = JSON.stringify(directions);
    return this.run(async (c) => {
      try {
        return (await c.query<{ study_id: number }>(SQL.insertStudy, [studyName, json])).rows[0]?.study_id as number;
      } catch (e) {
        if (pgCode(e) === '23505') throw new DuplicatedStudyError(`a study named "${studyName}" already exists`);
        throw e;
      }
    });
  }

  async deleteStudy(studyId: number): Promise<void> {
    const count = await this.run(async (c) => (await c.query(SQL.deleteStudy, [studyId])).rowCount);
    if (count === 0) throw studyNotFound(studyId);
  }

  async getStudyIdByName(studyName: string): Promise<number> {
    const rows = await this.query<{ study_id: number }>(SQL.studyIdByName, [studyName]);
    if (rows.length === 0) throw new StudyNotFoundError(`no study named "${studyName}" in this storage`);
    return (rows[0] as { study_id: number }).study_id;
  }

  async getStudy(studyId: number): Promise<StudyRecord> {
    const rows = await this.query<PgStudyRow>(SQL.studyById, [studyId]);
    if (rows.length === 0) throw studyNotFound(studyId);
    return assemblePgStudy(rows[0] as PgStudyRow);
  }

  async getAllStudies(): Promise<StudyRecord[]> {
    return (await this.query<PgStudyRow>(SQL.allStudies, [])).map(assemblePgStudy);
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.setStudyAttr(SQL.studyUserAttr, studyId, key, value);
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.setStudyAttr(SQL.studySystemAttr, studyId, key, value);
  }

  async createTrial(
    studyId: number,
    template?: TrialTemplate,
    options?: CreateTrialOptions,
  ): Promise<FrozenTrial | null> {
    const state = template?.state ?? 'RUNNING';
    const token = `${TOKEN_PREFIX}${tokenCounter++}`;
    const args = [studyId, options?.maxTrials ?? null, state, token];
    const trialId = await this.run(
      async (c, attempt) => {
        // A retry after a connection lost during COMMIT: the first try may have committed.
        if (attempt > 0) {
          const found = await c.query<{ trial_id: number }>(SQL.trialByToken, [token]);
          if (found.rows.length > 0) return (found.rows[0] as { trial_id: number }).trial_id;
        }
        const inserted = await c.query<{ trial_id: number }>(SQL.createTrial, args);
        if (inserted.rows.length === 0) {
          if ((await c.query(SQL.studyExists, [studyId])).rows.length === 0) throw studyNotFound(studyId);
          return null; // maxTrials reached
        }
        const id = (inserted.rows[0] as { trial_id: number }).trial_id;
        if (template !== undefined) await writeTemplate(c, id, template);
        return id;
      },
      { transaction: template !== undefined },
    );
    return trialId === null ? null : this.getTrial(trialId);
  }

  async claimWaitingTrial(studyId: number, trialNumber?: number): Promise<FrozenTrial | null> {
    const trialId = await this.run(async (c) => {
      const claimed = await c.query<{ trial_id: number }>(SQL.claimWaiting, [studyId, trialNumber ?? null]);
      if (claimed.rows.length > 0) return (claimed.rows[0] as { trial_id: number }).trial_id;
      if ((await c.query(SQL.studyExists, [studyId])).rows.length === 0) throw studyNotFound(studyId);
      return null;
    });
    return trialId === null ? null : this.getTrial(trialId);
  }

  async setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): Promise<void> {
    distribution.toInternal(value); // throws when the value is outside the distribution
    const args = [trialId, name, JSON.stringify(value), JSON.stringify(distribution.toJSON())];
    await this.guardedWrite(SQL.setParam, args, `set parameter "${name}"`);
  }

  async setTrialState(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<void> {
    if (state === 'WAITING') {
      const t = await this.trialState(trialId);
      assertWritable(t.number, t.state, `set state ${state}`);
      throw new TfjsTuneError(`trial ${t.number} cannot go back to WAITING`);
    }
    const args = [trialId, state, isFinished(state), values === undefined || values === null ? null : [...values]];
    await this.run(async (c, attempt) => {
      const rows = (await c.query<{ number: number; state: TrialState }>(SQL.setState, args)).rows;
      const t = rows[0];
      if (t === undefined) throw trialNotFound(trialId);
      // The first try may have committed before its connection was lost: finishing twice is fine.
      if (attempt > 0 && t.state === state && isFinished(state)) return;
      assertWritable(t.number, t.state, `set state ${state}`);
    });
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    await this.guardedWrite(SQL.setIntermediate, [trialId, step, value], `report step ${step}`);
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    await this.guardedWrite(SQL.trialUserAttr, [trialId, key, JSON.stringify(value)], `set user attribute "${key}"`);
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const args = [trialId, key, JSON.stringify(value)];
    await this.guardedWrite(SQL.trialSystemAttr, args, `set system attribute "${key}"`);
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    const rows = await this.query<PgTrialRow>(SQL.trialById, [trialId]);
    if (rows.length === 0) throw trialNotFound(trialId);
    return assemblePgTrials(rows, this.dists)[0] as FrozenTrial;
  }

  async getAllTrials(
    studyId: number,
    options?: { states?: readonly TrialState[]; fromNumber?: number },
  ): Promise<FrozenTrial[]> {
    const args = [studyId, options?.fromNumber ?? 0, options?.states === undefined ? null : [...options.states]];
    const rows = await this.run(async (c) => {
      const found = await c.query<PgTrialRow>(SQL.trialsOfScope, args);
      if (found.rows.length === 0 && (await c.query(SQL.studyExists, [studyId])).rows.length === 0) {
        throw studyNotFound(studyId);
      }
      return found.rows;
    });
    return assemblePgTrials(rows, this.dists);
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    // One beat per trial in flight: beats that queue up during an outage would all land at once.
    const pending = this.heartbeats.get(trialId);
    if (pending !== undefined) return pending;
    const beat = this.run(async (c) => {
      if ((await c.query(SQL.heartbeat, [trialId])).rowCount === 0) throw trialNotFound(trialId);
    }).finally(() => this.heartbeats.delete(trialId));
    this.heartbeats.set(trialId, beat);
    return beat;
  }

  async failStaleTrials(studyId: number, gracePeriodMs: number): Promise<FrozenTrial[]> {
    const reason = JSON.stringify(`no heartbeat for ${gracePeriodMs} ms: the process running it died`);
    // The UPDATE locks each row it fails, and a second sweeper re-checks state = 'RUNNING' after
    // the lock, so two sweeping at once never both fail (or double-stamp) a trial.
    const ids = await this.run(
      async (c) => {
        if ((await c.query(SQL.studyExists, [studyId])).rows.length === 0) throw studyNotFound(studyId);
        const failed = (await c.query<{ trial_id: number }>(SQL.failStale, [studyId, Math.round(gracePeriodMs)])).rows;
        const trialIds = failed.map((r) => r.trial_id);
        if (trialIds.length > 0) await c.query(SQL.failReasons, [trialIds, FAIL_REASON_KEY, reason]);
        return trialIds;
      },
      { transaction: true },
    );
    if (ids.length === 0) return [];
    return assemblePgTrials(await this.query<PgTrialRow>(SQL.trialsByIds, [ids]), this.dists);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async setStudyAttr(sql: string, studyId: number, key: string, value: JsonValue): Promise<void> {
    await this.run(async (c) => {
      try {
        if ((await c.query(sql, [studyId, key, JSON.stringify(value)])).rows.length === 0) throw studyNotFound(studyId);
      } catch (e) {
        if (pgCode(e) === '23503') throw studyNotFound(studyId); // deleted meanwhile
        throw e;
      }
    });
  }

  /** Runs a guarded trial write (see `postgres-sql.ts`) and turns its answer into the contract's errors. */
  private async guardedWrite(sql: string, args: unknown[], what: string): Promise<void> {
    const rows = await this.query<{ number: number; state: TrialState }>(sql, args);
    const t = rows[0];
    if (t === undefined) throw trialNotFound(Number(args[0]));
    assertWritable(t.number, t.state, what);
  }

  private async trialState(trialId: number): Promise<{ number: number; state: TrialState }> {
    const rows = await this.query<{ number: number; state: TrialState }>(SQL.trialState, [trialId]);
    if (rows.length === 0) throw trialNotFound(trialId);
    return rows[0] as { number: number; state: TrialState };
  }

  private async query<R extends QueryResultRow = QueryResultRow>(sql: string, args: unknown[]): Promise<R[]> {
    return this.run(async (c) => (await c.query<R>(sql, args)).rows);
  }

  /**
   * Runs `fn` on a pooled connection (inside BEGIN/COMMIT when asked), retrying transient failures
   * with backoff. `attempt` tells `fn` whether an earlier try may already have committed.
   */
  private async run<T>(
    fn: (client: PoolClient, attempt: number) => Promise<T>,
    options: { transaction?: boolean } = {},
  ): Promise<T> {
    if (this.closed) throw new StorageError(`${this.target.display}: the storage is closed`);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let client: PoolClient | null = null;
      try {
        client = await this.pool.connect();
        await this.ensureSchema(client);
        if (options.transaction === true) await client.query('BEGIN');
        const result = await fn(client, attempt);
        if (options.transaction === true) await client.query('COMMIT');
        client.release();
        return result;
      } catch (e) {
        if (client !== null) {
          if (options.transaction === true && !isTransient(e)) await client.query('ROLLBACK').catch(() => undefined);
          // A connection that failed is dropped, not handed back to the pool.
          client.release(isTransient(e) ? (e as Error) : undefined);
        }
        if (e instanceof TfjsTuneError) throw e;
        if (isDeadlock(e)) this.counters.deadlocks++;
        if (isTransient(e) && !this.closed && Date.now() - started < this.retryForMs) {
          this.counters.retries++;
          await sleep(backoffMs(attempt + 1));
          continue;
        }
        throw this.wrap(e);
      }
    }
  }

  private async ensureSchema(client: PoolClient): Promise<void> {
    if (this.schemaReady === null) {
      this.schemaReady = migratePostgres(client, this.target.display);
      // A failed migration (database down, say) is tried again by the next operation.
      this.schemaReady.catch(() => (this.schemaReady = null));
    }
    await this.schemaReady;
  }

  /** A StorageError that names host and database, with every password scrubbed from the driver's text. */
  private wrap(e: unknown): Error {
    if (e instanceof TfjsTuneError) return e;
    const err = e as { message?: unknown; code?: unknown };
    const message = typeof err?.message === 'string' ? err.message : String(e);
    const code = typeof err?.code === 'string' ? ` (${err.code})` : '';
    const error = new StorageError(
      `PostgreSQL ${this.target.display} (host "${this.target.host}", database "${this.target.database}"): ${scrub(message, this.target.secrets)}${code}`,
    );
    return error;
  }
}

function pgCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function studyNotFound(studyId: number): StudyNotFoundError {
  return new StudyNotFoundError(`no study with id ${studyId}`);
}

function trialNotFound(trialId: number): TfjsTuneError {
  return new TfjsTuneError(`no trial with id ${trialId}`);
}

/** A template's params and attributes, written in the transaction that created the trial. */
async function writeTemplate(c: PoolClient, trialId: number, template: TrialTemplate): Promise<void> {
  const params = template.params ?? {};
  const dists = template.distributions ?? {};
  // Like the memory storage, a template may carry a value without a distribution or the reverse.
  for (const name of new Set([...Object.keys(params), ...Object.keys(dists)])) {
    const dist = dists[name];
    const valueJson = Object.prototype.hasOwnProperty.call(params, name) ? JSON.stringify(params[name] ?? null) : null;
    await c.query(SQL.templateParam, [
      trialId,
      name,
      valueJson,
      dist === undefined ? null : JSON.stringify(dist.toJSON()),
    ]);
  }
  for (const [k, v] of Object.entries(template.userAttrs ?? {})) {
    await c.query(SQL.templateUserAttr, [trialId, k, JSON.stringify(v)]);
  }
  for (const [k, v] of Object.entries(template.systemAttrs ?? {})) {
    await c.query(SQL.templateSystemAttr, [trialId, k, JSON.stringify(v)]);
  }
}

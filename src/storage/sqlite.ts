import type Database from 'better-sqlite3';
import { DuplicatedStudyError, StorageError, StudyNotFoundError, TfjsTuneError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import { isFinished, type StudyDirection, type TrialState } from '../trial/state';
import { FAIL_REASON_KEY, type CreateTrialOptions, type Storage, type StudyRecord, type TrialTemplate } from './base';
import { assertWritable } from './check-writable';
import { assembleStudies, assembleTrials, DistributionCache, encodeNumber } from './sqlite-rows';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase, sqliteCode, type SqliteStorageOptions } from './sqlite-open';
import { prepareStatements, type Statements, type StudyRow, type TrialRow, type TrialScope } from './sqlite-statements';

export type { SqliteStorageOptions };

/**
 * The embedded default storage: one SQLite file that several processes on one machine can share.
 * Every write runs in a `BEGIN IMMEDIATE` transaction, which takes the file's write lock before it
 * reads anything, so checks (trial state, next number, `maxTrials`) and the writes they guard are
 * atomic across processes; reads run in a deferred transaction, a consistent WAL snapshot that never
 * blocks writers. better-sqlite3 is synchronous; the methods are async only to honour the contract.
 *
 * @example
 * const storage = new SqliteStorage('./tfjs-tune.db');
 * const studyId = await storage.createStudy('mnist-mlp', ['minimize']);
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly dists = new DistributionCache();
  private readonly busyTimeoutMs: number;
  // One transaction wrapper for every operation: better-sqlite3 builds these, so build it once.
  private readonly txn: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(
    readonly path: string,
    options: SqliteStorageOptions = {},
  ) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.db = openDatabase(path, options);
    this.st = prepareStatements(this.db);
    this.txn = this.db.transaction((fn: () => unknown) => fn());
  }

  async createStudy(studyName: string, directions: readonly StudyDirection[]): Promise<number> {
    try {
      const info = this.write(() => this.st.insertStudy.run(studyName, JSON.stringify(directions), Date.now()));
      return Number(info.lastInsertRowid);
    } catch (e) {
      if (sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new DuplicatedStudyError(`a study named "${studyName}" already exists`);
      }
      throw e;
    }
  }

  async deleteStudy(studyId: number): Promise<void> {
    // ON DELETE CASCADE removes the study's attributes, trials and everything under them.
    this.write(() => {
      this.requireStudy(studyId);
      this.st.deleteStudy.run(studyId);
    });
  }

  async getStudyIdByName(studyName: string): Promise<number> {
    const row = this.read(() => this.st.studyIdByName.get(studyName));
    if (row === undefined) throw new StudyNotFoundError(`no study named "${studyName}" in this storage`);
    return row.study_id;
  }

  async getStudy(studyId: number): Promise<StudyRecord> {
    return this.read(() => {
      const row = this.requireStudy(studyId);
      const user = this.st.studyUserAttrs.ofStudy.all(studyId);
      const system = this.st.studySystemAttrs.ofStudy.all(studyId);
      return assembleStudies([row], user, system)[0] as StudyRecord;
    });
  }

  async getAllStudies(): Promise<StudyRecord[]> {
    // Three queries whatever the number of studies: cheap enough for a CLI listing.
    return this.read(() =>
      assembleStudies(this.st.allStudies.all(), this.st.studyUserAttrs.all.all(), this.st.studySystemAttrs.all.all()),
    );
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    const json = JSON.stringify(value);
    this.write(() => {
      this.requireStudy(studyId);
      this.st.studyUserAttrs.upsert.run(studyId, key, json);
    });
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    const json = JSON.stringify(value);
    this.write(() => {
      this.requireStudy(studyId);
      this.st.studySystemAttrs.upsert.run(studyId, key, json);
    });
  }

  async createTrial(
    studyId: number,
    template?: TrialTemplate,
    options?: CreateTrialOptions,
  ): Promise<FrozenTrial | null> {
    const state = template?.state ?? 'RUNNING';
    return this.write(() => {
      this.requireStudy(studyId);
      // The number is read under the write lock, so no other process can take it before we insert.
      const number = (this.st.nextNumber.get(studyId) as { next: number }).next;
      if (options?.maxTrials !== undefined && number >= options.maxTrials) return null;
      const info = this.st.insertTrial.run(studyId, number, state, state === 'RUNNING' ? Date.now() : null);
      const trialId = Number(info.lastInsertRowid);
      if (template !== undefined) this.writeTemplate(trialId, template);
      return this.loadTrial(trialId);
    });
  }

  async claimWaitingTrial(studyId: number, trialNumber?: number): Promise<FrozenTrial | null> {
    return this.write(() => {
      this.requireStudy(studyId);
      const waiting =
        trialNumber === undefined
          ? this.st.oldestWaiting.get(studyId)
          : this.st.waitingByNumber.get(studyId, trialNumber);
      if (waiting === undefined) return null;
      this.st.updateState.run('RUNNING', Date.now(), null, waiting.trial_id);
      return this.loadTrial(waiting.trial_id);
    });
  }

  async setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): Promise<void> {
    const valueJson = JSON.stringify(value);
    const distJson = JSON.stringify(distribution.toJSON());
    this.write(() => {
      const t = this.requireTrial(trialId);
      assertWritable(t.number, t.state as TrialState, `set parameter "${name}"`);
      distribution.toInternal(value); // throws when the value is outside the distribution
      this.st.upsertParam.run(trialId, name, valueJson, distJson);
    });
  }

  async setTrialState(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<void> {
    this.write(() => {
      const t = this.requireTrial(trialId);
      assertWritable(t.number, t.state as TrialState, `set state ${state}`);
      if (state === 'WAITING') throw new TfjsTuneError(`trial ${t.number} cannot go back to WAITING`);
      const now = Date.now();
      const start = t.datetime_start ?? (state === 'RUNNING' ? now : null);
      this.st.updateState.run(state, start, isFinished(state) ? now : null, trialId);
      if (values !== undefined && values !== null) {
        this.st.deleteValues.run(trialId);
        values.forEach((v, i) => this.st.insertValue.run(trialId, i, encodeNumber(v)));
      }
    });
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    this.write(() => {
      const t = this.requireTrial(trialId);
      assertWritable(t.number, t.state as TrialState, `report step ${step}`);
      this.st.upsertIntermediate.run(trialId, step, encodeNumber(value));
    });
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const json = JSON.stringify(value);
    this.write(() => {
      const t = this.requireTrial(trialId);
      assertWritable(t.number, t.state as TrialState, `set user attribute "${key}"`);
      this.st.trialUserAttrs.upsert.run(trialId, key, json);
    });
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const json = JSON.stringify(value);
    this.write(() => {
      const t = this.requireTrial(trialId);
      assertWritable(t.number, t.state as TrialState, `set system attribute "${key}"`);
      this.st.trialSystemAttrs.upsert.run(trialId, key, json);
    });
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    return this.read(() => this.loadTrial(trialId));
  }

  async getAllTrials(
    studyId: number,
    options?: { states?: readonly TrialState[]; fromNumber?: number },
  ): Promise<FrozenTrial[]> {
    const scope: TrialScope = {
      studyId,
      fromNumber: options?.fromNumber ?? 0,
      states: options?.states === undefined ? null : JSON.stringify(options.states),
    };
    // Six set-based queries in one snapshot, however many trials match (no query per trial).
    return this.read(() => {
      this.requireStudy(studyId);
      const trials = this.st.trialsOfScope.all(scope);
      if (trials.length === 0) return [];
      return assembleTrials(
        trials,
        {
          params: this.st.params.ofScope.all(scope),
          values: this.st.values.ofScope.all(scope),
          intermediates: this.st.intermediates.ofScope.all(scope),
          userAttrs: this.st.trialUserAttrs.ofScope.all(scope),
          systemAttrs: this.st.trialSystemAttrs.ofScope.all(scope),
        },
        this.dists,
      );
    });
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    // A single statement commits atomically on its own (and waits out busy_timeout like the rest).
    const info = this.guard(() => this.st.heartbeat.run(Date.now(), trialId));
    if (info.changes === 0) throw new TfjsTuneError(`no trial with id ${trialId}`);
  }

  async failStaleTrials(studyId: number, gracePeriodMs: number): Promise<FrozenTrial[]> {
    const reason = `no heartbeat for ${gracePeriodMs} ms: the process running it died`;
    const reasonJson = JSON.stringify(reason);
    // One transaction: two processes sweeping at once cannot both fail (or double-stamp) a trial.
    return this.write(() => {
      this.requireStudy(studyId);
      const now = Date.now();
      const stale = this.st.staleRunning.all(studyId, now - gracePeriodMs);
      for (const { trial_id } of stale) {
        const t = this.requireTrial(trial_id);
        this.st.updateState.run('FAIL', t.datetime_start, now, trial_id);
        this.st.trialSystemAttrs.upsert.run(trial_id, FAIL_REASON_KEY, reasonJson);
      }
      return stale.map(({ trial_id }) => this.loadTrial(trial_id));
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction: the write lock is held from its first read. */
  private write<T>(fn: () => T): T {
    return this.guard(() => this.txn.immediate(fn) as T);
  }

  /** Runs `fn` in a deferred transaction, so its several SELECTs see one snapshot. */
  private read<T>(fn: () => T): T {
    return this.guard(() => this.txn.deferred(fn) as T);
  }

  /** Turns a lock that outlasted busy_timeout into a StorageError that says what happened. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const code = sqliteCode(e);
      if (code?.startsWith('SQLITE_BUSY') === true) {
        throw new StorageError(
          `"${this.path}" stayed locked by another process for more than busyTimeoutMs = ${this.busyTimeoutMs} ms (${code})`,
        );
      }
      throw e;
    }
  }

  private requireStudy(studyId: number): StudyRow {
    const row = this.st.studyById.get(studyId);
    if (row === undefined) throw new StudyNotFoundError(`no study with id ${studyId}`);
    return row;
  }

  private requireTrial(trialId: number): TrialRow {
    const row = this.st.trialById.get(trialId);
    if (row === undefined) throw new TfjsTuneError(`no trial with id ${trialId}`);
    return row;
  }

  /** One trial with its child rows; call inside a transaction for a consistent snapshot. */
  private loadTrial(trialId: number): FrozenTrial {
    const row = this.requireTrial(trialId);
    const rows = {
      params: this.st.params.ofTrial.all(trialId),
      values: this.st.values.ofTrial.all(trialId),
      intermediates: this.st.intermediates.ofTrial.all(trialId),
      userAttrs: this.st.trialUserAttrs.ofTrial.all(trialId),
      systemAttrs: this.st.trialSystemAttrs.ofTrial.all(trialId),
    };
    return assembleTrials([row], rows, this.dists)[0] as FrozenTrial;
  }

  private writeTemplate(trialId: number, template: TrialTemplate): void {
    const params = template.params ?? {};
    const dists = template.distributions ?? {};
    // Like the memory storage, a template may carry a value without a distribution or the reverse.
    const names = new Set([...Object.keys(params), ...Object.keys(dists)]);
    for (const name of names) {
      const value = params[name];
      const dist = dists[name];
      const valueJson = Object.prototype.hasOwnProperty.call(params, name) ? JSON.stringify(value ?? null) : null;
      this.st.upsertParam.run(trialId, name, valueJson, dist === undefined ? null : JSON.stringify(dist.toJSON()));
    }
    for (const [k, v] of Object.entries(template.userAttrs ?? {})) {
      this.st.trialUserAttrs.upsert.run(trialId, k, JSON.stringify(v));
    }
    for (const [k, v] of Object.entries(template.systemAttrs ?? {})) {
      this.st.trialSystemAttrs.upsert.run(trialId, k, JSON.stringify(v));
    }
  }
}

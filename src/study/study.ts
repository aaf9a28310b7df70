import { InvalidArgumentError, NoCompletedTrialsError, TfjsTuneError } from '../errors';
import type { Pruner } from '../pruners/base';
import type { Sampler } from '../samplers/base';
import type { Distribution, ParamValue } from '../space/distributions';
import { FAIL_REASON_KEY, OWNER_KEY, type Storage } from '../storage/base';
import { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyDirection, TrialState } from '../trial/state';
import type { Logger } from '../util/logger';
import { Heartbeat } from './heartbeat';
import { CONSTRAINTS_KEY, isFeasible, paretoFront } from './multi-objective';
import { checkObjectiveValues } from './objective-result';
import { optimizeStudy, type Objective, type OptimizeLoopOptions } from './optimize';
import { TrialCache } from './trial-cache';
import { Trial, type TrialHost } from './trial';
import type { StudyView } from './study-view';

/** Called for a trial found dead (no heartbeat) — e.g. {@link storages.retryFailedTrialCallback}. */
export type FailedTrialCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** @internal What `createStudy` / `loadStudy` hand the constructor. */
export interface StudyInit {
  readonly storage: Storage;
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly seed: number;
  readonly logger: Logger;
  readonly heartbeatIntervalMs: number;
  readonly gracePeriodMs: number;
  readonly failedTrialCallback: FailedTrialCallback | null;
  readonly systemAttrs: Record<string, JsonValue>;
  readonly userAttrs: Record<string, JsonValue>;
}

/** Called after each trial `optimize` runs is stored. */
export type StudyCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

export type OptimizeOptions = OptimizeLoopOptions<Study>;

export interface TellOptions {
  /** Defaults to COMPLETE with values, FAIL without. */
  readonly state?: 'COMPLETE' | 'PRUNED' | 'FAIL';
  /** Stored as the trial's fail reason. */
  readonly failReason?: string;
}

/**
 * A study: one optimisation problem, its trials and its best result, persisted in a storage.
 * Build one with {@link createStudy}; run it with {@link Study.optimize} or drive it by hand with
 * {@link Study.ask} / {@link Study.tell}.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ direction: 'minimize', seed: 1 });
 * await study.optimize((trial) => (trial.suggestFloat('x', -10, 10) - 2) ** 2, { nTrials: 50 });
 * console.log(study.bestParams, study.bestValue);
 * ```
 */
export class Study implements StudyView {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly seed: number;
  readonly storage: Storage;
  /** @internal */
  readonly studyId: number;
  /** @internal */
  readonly logger: Logger;
  private readonly cache = new TrialCache();
  private readonly knownDistributions = new Map<string, Distribution>();
  private readonly running = new Map<number, Trial>();
  private readonly heartbeat: Heartbeat;
  private readonly gracePeriodMs: number;
  private readonly failedTrialCallback: FailedTrialCallback | null;
  private sysAttrs: Record<string, JsonValue>;
  private usrAttrs: Record<string, JsonValue>;
  private lastStaleCheck = 0;
  private stopRequested = false;
  private ownerTag: string | null = null;

  /** @internal Use `createStudy` or `loadStudy`. */
  constructor(init: StudyInit) {
    this.storage = init.storage;
    this.studyId = init.studyId;
    this.studyName = init.studyName;
    this.directions = Object.freeze(init.directions.slice());
    this.sampler = init.sampler;
    this.pruner = init.pruner;
    this.seed = init.seed;
    this.logger = init.logger;
    this.gracePeriodMs = init.gracePeriodMs;
    this.failedTrialCallback = init.failedTrialCallback;
    this.sysAttrs = init.systemAttrs;
    this.usrAttrs = init.userAttrs;
    this.heartbeat = new Heartbeat(init.storage, init.heartbeatIntervalMs, (e) =>
      this.logger.warn(`heartbeat write failed: ${String(e)}`),
    );
    this.sampler.bindStudySeed?.(init.seed);
  }

  /** The single direction; an error for multi-objective studies. */
  get direction(): StudyDirection {
    if (this.directions.length !== 1) {
      throw new TfjsTuneError(`study "${this.studyName}" has ${this.directions.length} directions; use .directions`);
    }
    return this.directions[0] as StudyDirection;
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.sysAttrs };
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return { ...this.usrAttrs };
  }

  /** All trials, in number order, as of the last refresh (each trial start and end refreshes). */
  get trials(): FrozenTrial[] {
    return this.cache.get();
  }

  getTrials(options: { states?: readonly TrialState[] } = {}): FrozenTrial[] {
    return this.cache.get(options.states);
  }

  /** Re-reads trials from storage: picks up what other processes did since the last refresh. */
  async refresh(): Promise<void> {
    const fresh = await this.cache.refresh(this.storage, this.studyId);
    for (const t of fresh) {
      for (const [name, d] of Object.entries(t.distributions)) {
        if (!this.knownDistributions.has(name)) this.knownDistributions.set(name, d);
      }
    }
  }

  /**
   * The best completed feasible trial (lowest number among ties; a trial that recorded no
   * constraints counts as feasible). Single-objective studies only.
   */
  get bestTrial(): FrozenTrial {
    const direction = this.direction;
    let best: FrozenTrial | null = null;
    for (const t of this.cache.get(['COMPLETE'])) {
      if (!isFeasible(t)) continue;
      const v = t.value as number;
      if (best === null || (direction === 'minimize' ? v < (best.value as number) : v > (best.value as number)))
        best = t;
    }
    if (best === null) {
      const what = this.cache.get(['COMPLETE']).length === 0 ? 'completed' : 'feasible completed';
      throw new NoCompletedTrialsError(`study "${this.studyName}" has no ${what} trials yet, so it has no best trial`);
    }
    return best;
  }

  get bestValue(): number {
    return this.bestTrial.value as number;
  }

  get bestParams(): Readonly<Record<string, ParamValue>> {
    return this.bestTrial.params;
  }

  /**
   * The Pareto front of completed feasible trials (for one direction: the best trial, or none);
   * infeasible trials are never on it.
   */
  get bestTrials(): FrozenTrial[] {
    return paretoFront(this.cache.get(['COMPLETE']), this.directions);
  }

  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    await this.storage.setStudyUserAttr(this.studyId, key, value);
    this.usrAttrs = { ...this.usrAttrs, [key]: value };
  }

  /** @internal */
  async setSystemAttr(key: string, value: JsonValue): Promise<void> {
    await this.storage.setStudySystemAttr(this.studyId, key, value);
    this.sysAttrs = { ...this.sysAttrs, [key]: value };
  }

  /** @internal See {@link StudyView.setTrialSystemAttr}. */
  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    const trial = this.running.get(trialNumber);
    if (trial === undefined) throw new TfjsTuneError(`trial ${trialNumber} is not running in this process`);
    trial.setSystemAttr(key, value);
    this.cache.upsert(trial.snapshot());
  }

  /**
   * @internal Tags every trial this study object starts (system attribute `owner`), written in the
   * same step that creates the trial: a supervisor that kills this worker can then fail exactly
   * the trials the worker was running, with no race against its messages.
   */
  setOwnerTag(tag: string): void {
    this.ownerTag = tag;
  }

  /** Ends the running `optimize` once the trials in flight finish. */
  stop(): void {
    this.stopRequested = true;
  }

  /** @internal */
  get isStopRequested(): boolean {
    return this.stopRequested;
  }

  /** @internal */
  clearStop(): void {
    this.stopRequested = false;
  }

  /**
   * Adds a trial to run next with fixed parameters (WAITING until a worker claims it). Parameters
   * the objective asks for that are not fixed here are sampled as usual.
   */
  async enqueueTrial(
    params: Readonly<Record<string, ParamValue>>,
    options: { userAttrs?: Record<string, JsonValue>; skipIfExists?: boolean } = {},
  ): Promise<void> {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new InvalidArgumentError('enqueueTrial(params)', params, 'an object of parameter values');
    }
    if (options.skipIfExists === true) {
      await this.refresh();
      const same = this.cache.get().some((t) => {
        const fixed = (t.systemAttrs['fixed_params'] ?? t.params) as Record<string, JsonValue>;
        return JSON.stringify(sortKeys(fixed)) === JSON.stringify(sortKeys(params));
      });
      if (same) return;
    }
    await this.storage.createTrial(this.studyId, {
      state: 'WAITING',
      userAttrs: options.userAttrs ?? {},
      systemAttrs: { fixed_params: { ...params } },
    });
  }

  /** Starts a trial by hand (ask-and-tell interface). */
  async ask(): Promise<Trial> {
    const trial = await this.askOrNull();
    if (trial === null) {
      throw new TfjsTuneError(`study "${this.studyName}" is exhausted: its sampler has no points left to try`);
    }
    return trial;
  }

  /**
   * Finishes a trial started by `ask`: with values it is COMPLETE (values checked as `optimize`
   * checks them — a bad value makes it FAIL), with `{ state: 'PRUNED' }` PRUNED, with no values FAIL.
   */
  async tell(
    trial: Trial | number,
    values?: number | readonly number[] | null,
    options: TellOptions = {},
  ): Promise<FrozenTrial> {
    const t = typeof trial === 'number' ? this.running.get(trial) : trial;
    if (t === undefined) throw new InvalidArgumentError('tell(trial)', trial, 'a trial number this process is running');
    const state = options.state ?? (values === undefined || values === null ? 'FAIL' : 'COMPLETE');
    if (state === 'COMPLETE') {
      const checked = checkObjectiveValues(values, this.directions.length);
      if (!checked.ok) return this.finish(t, 'FAIL', null, checked.reason);
      return this.finish(t, 'COMPLETE', checked.values, null);
    }
    return this.finish(t, state, null, options.failReason ?? null);
  }

  /**
   * Runs trials: each calls `objective(trial)`, whose return value (a number, or an array for
   * several directions) is stored. A throwing objective, NaN, or a wrong-sized result fails that
   * trial and the study goes on; `TrialPruned` marks it PRUNED.
   */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    await optimizeStudy(this, objective, options);
  }

  /**
   * @internal Starts a trial; null when the sampler's (grid) or the caller's trial budget is used up,
   * or, with `waitingOnly`, when no WAITING trial is left to claim (a scheduler's worker never creates one);
   * with `trialNumber`, claims that WAITING trial only (null when it is not WAITING).
   */
  async askOrNull(
    maxTrialsInStudy?: number,
    options: { waitingOnly?: boolean; trialNumber?: number } = {},
  ): Promise<Trial | null> {
    await this.failStaleTrialsIfDue();
    let frozen = await this.storage.claimWaitingTrial(this.studyId, options.trialNumber);
    if (frozen === null && options.trialNumber !== undefined) return null;
    if (frozen === null && options.waitingOnly === true) return null;
    const claimed = frozen !== null;
    if (frozen === null) {
      const limits = [this.sampler.maxTrials?.(this), maxTrialsInStudy].filter((v): v is number => v !== undefined);
      const maxTrials = limits.length === 0 ? undefined : Math.min(...limits);
      const template = this.ownerTag === null ? undefined : { systemAttrs: { [OWNER_KEY]: this.ownerTag } };
      frozen = await this.storage.createTrial(this.studyId, template, maxTrials === undefined ? {} : { maxTrials });
      if (frozen === null) return null;
    }
    // Beat at once: a claimed trial has no heartbeat yet, and a RUNNING trial without one is never
    // found stale, so a process dying before its first beat would hold the trial for good.
    await this.heartbeat.start(frozen.trialId);
    try {
      if (claimed && this.ownerTag !== null)
        await this.storage.setTrialSystemAttr(frozen.trialId, OWNER_KEY, this.ownerTag);
      // This process's other running trials queue their suggestions' writes: let them land, so the
      // sampler sees what they suggested (constant liar counts them), as Optuna's synchronous
      // writes do. A failed write stays recorded and fails its own trial at tell.
      await Promise.all([...this.running.values()].map((t) => t.flush().catch(() => undefined)));
      await this.refresh();
      this.cache.upsert(frozen);
      const view = this.pruner.filterStudyForSampler?.(this, frozen) ?? this;
      await this.sampler.beforeTrial?.(view, frozen);
      const searchSpace = this.sampler.inferRelativeSearchSpace(view, frozen);
      const params =
        Object.keys(searchSpace).length === 0 ? {} : await this.sampler.sampleRelative(view, frozen, searchSpace);
      const fixed = (frozen.systemAttrs['fixed_params'] ?? {}) as Record<string, ParamValue>;
      const trial = new Trial({ ...this.host(), samplerView: view }, frozen, { searchSpace, params }, fixed);
      this.running.set(frozen.number, trial);
      return trial;
    } catch (e) {
      // A sampler that breaks must not leave a RUNNING orphan behind.
      this.heartbeat.stop(frozen.trialId);
      await this.storage.setTrialSystemAttr(frozen.trialId, FAIL_REASON_KEY, `sampler failed: ${String(e)}`);
      await this.storage.setTrialState(frozen.trialId, 'FAIL');
      throw e;
    }
  }

  /** @internal Records the end of a trial; every queued write lands first. */
  async finish(
    trial: Trial,
    state: TrialState,
    values: number[] | null,
    failReason: string | null,
  ): Promise<FrozenTrial> {
    let finalState = state;
    let reason = failReason;
    if (state === 'COMPLETE' || state === 'PRUNED') {
      const broken = this.recordConstraints(trial, state, values);
      if (broken !== null) {
        finalState = 'FAIL';
        reason = broken;
      }
    }
    try {
      await trial.flush();
    } catch (e) {
      finalState = 'FAIL';
      reason = `a storage write failed: ${String(e)}`;
    }
    let stored = values;
    if (finalState === 'PRUNED') {
      const snap = trial.snapshot();
      const last = snap.lastStep === null ? undefined : snap.intermediateValues.get(snap.lastStep);
      // As in Optuna, a pruned trial keeps its last reported value as its value.
      stored = last !== undefined && !Number.isNaN(last) && this.directions.length === 1 ? [last] : null;
    }
    try {
      if (reason !== null) await this.storage.setTrialSystemAttr(trial.trialId, FAIL_REASON_KEY, reason);
      await this.storage.setTrialState(trial.trialId, finalState, finalState === 'FAIL' ? null : stored);
    } finally {
      this.heartbeat.stop(trial.trialId);
      this.running.delete(trial.number);
    }
    const frozen = await this.storage.getTrial(trial.trialId);
    this.cache.upsert(frozen);
    this.sampler.afterTrial?.(
      this.pruner.filterStudyForSampler?.(this, frozen) ?? this,
      frozen,
      frozen.state,
      frozen.values,
    );
    return frozen;
  }

  /**
   * Queues the sampler's constraint values for `trial` (Optuna's `constraints_func`, called with the
   * trial as it will be stored); the reason to fail it when they cannot be had, else null.
   */
  private recordConstraints(trial: Trial, state: TrialState, values: number[] | null): string | null {
    const evaluate = this.sampler.evaluateConstraints?.bind(this.sampler);
    if (evaluate === undefined) return null;
    let constraints: readonly number[];
    try {
      constraints = evaluate(new FrozenTrial({ ...trial.snapshot(), state, values }));
    } catch (e) {
      return `constraintsFunc failed: ${String(e)}`;
    }
    if (!Array.isArray(constraints) || !constraints.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return `constraintsFunc must return an array of finite numbers (they are stored as JSON), got ${JSON.stringify(constraints)}`;
    }
    trial.setSystemAttr(CONSTRAINTS_KEY, constraints.slice());
    return null;
  }

  /** Fails RUNNING trials whose process stopped sending heartbeats; hands each to the callback. */
  async failStaleTrials(): Promise<FrozenTrial[]> {
    if (this.gracePeriodMs <= 0) return [];
    const failed = await this.storage.failStaleTrials(this.studyId, this.gracePeriodMs);
    for (const t of failed) {
      this.logger.warn(`trial ${t.number} was RUNNING with no heartbeat for ${this.gracePeriodMs} ms; marked FAIL`);
      await this.failedTrialCallback?.(this, t);
    }
    return failed;
  }

  /**
   * {@link Study.failStaleTrials}, at most once every quarter of the grace period: for loops that
   * ask often (schedulers, workers polling the study), where a scan per call would only load the storage.
   */
  async failStaleTrialsIfDue(): Promise<void> {
    if (this.gracePeriodMs <= 0 || Date.now() - this.lastStaleCheck < this.gracePeriodMs / 4) return;
    this.lastStaleCheck = Date.now();
    await this.failStaleTrials();
  }

  private host(): TrialHost {
    return {
      view: this,
      sampler: this.sampler,
      pruner: this.pruner,
      storage: this.storage,
      knownDistribution: (name) => this.knownDistributions.get(name),
      rememberDistribution: (name, d) => {
        if (!this.knownDistributions.has(name)) this.knownDistributions.set(name, d);
      },
    };
  }
}

function sortKeys(o: Record<string, JsonValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as JsonValue;
  return out;
}

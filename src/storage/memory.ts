import { DuplicatedStudyError, StudyNotFoundError, TfjsTuneError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';
import { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import { isFinished, type StudyDirection, type TrialState } from '../trial/state';
import type { CreateTrialOptions, Storage, StudyRecord, TrialTemplate } from './base';
import { assertWritable } from './check-writable';

interface MutableTrial {
  trialId: number;
  studyId: number;
  number: number;
  state: TrialState;
  values: number[] | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediateValues: Map<number, number>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: Date | null;
  datetimeComplete: Date | null;
  heartbeat: number | null;
}

interface MutableStudy {
  studyId: number;
  studyName: string;
  directions: StudyDirection[];
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: Date;
  /** Indexed by trial number. */
  trials: MutableTrial[];
  /** How many trials are WAITING, so claiming skips the scan in the common case of none. */
  waiting: number;
}

/** JSON values are copied on the way in and out so callers can never alias stored state. */
function copyJson(value: JsonValue): JsonValue {
  return value === null || typeof value !== 'object' ? value : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/**
 * Keeps everything in this process's memory: the default when no storage URL is given. Fast,
 * lost on exit, and not shared between processes.
 *
 * @example
 * ```ts
 * const storage = new tune.InMemoryStorage();
 * const study = await tune.createStudy({ storage, studyName: 'scratch' });
 * ```
 */
export class InMemoryStorage implements Storage {
  private readonly studies = new Map<number, MutableStudy>();
  private readonly trials = new Map<number, MutableTrial>();
  private nextStudyId = 0;
  private nextTrialId = 0;

  async createStudy(studyName: string, directions: readonly StudyDirection[]): Promise<number> {
    for (const s of this.studies.values()) {
      if (s.studyName === studyName) throw new DuplicatedStudyError(`a study named "${studyName}" already exists`);
    }
    const studyId = this.nextStudyId++;
    this.studies.set(studyId, {
      studyId,
      studyName,
      directions: directions.slice(),
      userAttrs: {},
      systemAttrs: {},
      datetimeStart: new Date(),
      trials: [],
      waiting: 0,
    });
    return studyId;
  }

  async deleteStudy(studyId: number): Promise<void> {
    const study = this.study(studyId);
    for (const t of study.trials) this.trials.delete(t.trialId);
    this.studies.delete(studyId);
  }

  async getStudyIdByName(studyName: string): Promise<number> {
    for (const s of this.studies.values()) if (s.studyName === studyName) return s.studyId;
    throw new StudyNotFoundError(`no study named "${studyName}" in this storage`);
  }

  async getStudy(studyId: number): Promise<StudyRecord> {
    return this.studyRecord(this.study(studyId));
  }

  async getAllStudies(): Promise<StudyRecord[]> {
    return [...this.studies.values()].map((s) => this.studyRecord(s));
  }

  async setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.study(studyId).userAttrs[key] = copyJson(value);
  }

  async setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void> {
    this.study(studyId).systemAttrs[key] = copyJson(value);
  }

  async createTrial(
    studyId: number,
    template?: TrialTemplate,
    options?: CreateTrialOptions,
  ): Promise<FrozenTrial | null> {
    const study = this.study(studyId);
    if (options?.maxTrials !== undefined && study.trials.length >= options.maxTrials) return null;
    const state = template?.state ?? 'RUNNING';
    const trial: MutableTrial = {
      trialId: this.nextTrialId++,
      studyId,
      number: study.trials.length,
      state,
      values: null,
      params: { ...(template?.params ?? {}) },
      distributions: { ...(template?.distributions ?? {}) },
      intermediateValues: new Map(),
      userAttrs: JSON.parse(JSON.stringify(template?.userAttrs ?? {})) as Record<string, JsonValue>,
      systemAttrs: JSON.parse(JSON.stringify(template?.systemAttrs ?? {})) as Record<string, JsonValue>,
      datetimeStart: state === 'RUNNING' ? new Date() : null,
      datetimeComplete: null,
      heartbeat: null,
    };
    study.trials.push(trial);
    if (state === 'WAITING') study.waiting++;
    this.trials.set(trial.trialId, trial);
    return this.frozen(trial);
  }

  async claimWaitingTrial(studyId: number, trialNumber?: number): Promise<FrozenTrial | null> {
    const study = this.study(studyId);
    if (study.waiting === 0) return null;
    const waiting = study.trials.find(
      (t) => t.state === 'WAITING' && (trialNumber === undefined || t.number === trialNumber),
    );
    if (waiting === undefined) return null;
    study.waiting--;
    waiting.state = 'RUNNING';
    waiting.datetimeStart = new Date();
    return this.frozen(waiting);
  }

  async setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): Promise<void> {
    const t = this.trial(trialId);
    assertWritable(t.number, t.state, `set parameter "${name}"`);
    distribution.toInternal(value); // throws when the value is outside the distribution
    t.params[name] = value;
    t.distributions[name] = distribution;
  }

  async setTrialState(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<void> {
    const t = this.trial(trialId);
    assertWritable(t.number, t.state, `set state ${state}`);
    if (state === 'WAITING') throw new TfjsTuneError(`trial ${t.number} cannot go back to WAITING`);
    if (t.state === 'WAITING') this.study(t.studyId).waiting--;
    t.state = state;
    if (values !== undefined && values !== null) t.values = values.slice();
    if (state === 'RUNNING' && t.datetimeStart === null) t.datetimeStart = new Date();
    if (isFinished(state)) t.datetimeComplete = new Date();
  }

  async setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    const t = this.trial(trialId);
    assertWritable(t.number, t.state, `report step ${step}`);
    t.intermediateValues.set(step, value);
  }

  async setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const t = this.trial(trialId);
    assertWritable(t.number, t.state, `set user attribute "${key}"`);
    t.userAttrs[key] = copyJson(value);
  }

  async setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void> {
    const t = this.trial(trialId);
    assertWritable(t.number, t.state, `set system attribute "${key}"`);
    t.systemAttrs[key] = copyJson(value);
  }

  async getTrial(trialId: number): Promise<FrozenTrial> {
    return this.frozen(this.trial(trialId));
  }

  async getAllTrials(
    studyId: number,
    options?: { states?: readonly TrialState[]; fromNumber?: number },
  ): Promise<FrozenTrial[]> {
    const from = options?.fromNumber ?? 0;
    const states = options?.states;
    return this.study(studyId)
      .trials.slice(from)
      .filter((t) => states === undefined || states.includes(t.state))
      .map((t) => this.frozen(t));
  }

  async recordHeartbeat(trialId: number): Promise<void> {
    this.trial(trialId).heartbeat = Date.now();
  }

  async failStaleTrials(studyId: number, gracePeriodMs: number): Promise<FrozenTrial[]> {
    const now = Date.now();
    const failed: FrozenTrial[] = [];
    for (const t of this.study(studyId).trials) {
      if (t.state === 'RUNNING' && t.heartbeat !== null && now - t.heartbeat > gracePeriodMs) {
        t.state = 'FAIL';
        t.datetimeComplete = new Date();
        t.systemAttrs['fail_reason'] = `no heartbeat for ${gracePeriodMs} ms: the process running it died`;
        failed.push(this.frozen(t));
      }
    }
    return failed;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  private study(studyId: number): MutableStudy {
    const s = this.studies.get(studyId);
    if (s === undefined) throw new StudyNotFoundError(`no study with id ${studyId}`);
    return s;
  }

  private trial(trialId: number): MutableTrial {
    const t = this.trials.get(trialId);
    if (t === undefined) throw new TfjsTuneError(`no trial with id ${trialId}`);
    return t;
  }

  private studyRecord(s: MutableStudy): StudyRecord {
    return {
      studyId: s.studyId,
      studyName: s.studyName,
      directions: s.directions.slice(),
      userAttrs: JSON.parse(JSON.stringify(s.userAttrs)) as Record<string, JsonValue>,
      systemAttrs: JSON.parse(JSON.stringify(s.systemAttrs)) as Record<string, JsonValue>,
      datetimeStart: s.datetimeStart,
    };
  }

  private frozen(t: MutableTrial): FrozenTrial {
    return new FrozenTrial({
      trialId: t.trialId,
      number: t.number,
      state: t.state,
      values: t.values,
      params: t.params,
      distributions: t.distributions,
      intermediateValues: t.intermediateValues,
      userAttrs: JSON.parse(JSON.stringify(t.userAttrs)) as Record<string, JsonValue>,
      systemAttrs: JSON.parse(JSON.stringify(t.systemAttrs)) as Record<string, JsonValue>,
      datetimeStart: t.datetimeStart,
      datetimeComplete: t.datetimeComplete,
    });
  }
}

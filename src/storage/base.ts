import type { Distribution, ParamValue } from '../space/distributions';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyDirection, TrialState } from '../trial/state';

/** A study as stored. */
export interface StudyRecord {
  readonly studyId: number;
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date;
}

/** What a new trial starts with: used by `enqueueTrial` (WAITING with fixed params) and retries. */
export interface TrialTemplate {
  readonly state?: 'RUNNING' | 'WAITING';
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
}

export interface CreateTrialOptions {
  /**
   * Create the trial only while the study holds fewer than this many trials; checked in the same
   * atomic step that assigns the number, so several processes never overshoot (grid exhaustion,
   * a global trial budget).
   */
  readonly maxTrials?: number;
}

/**
 * The storage contract. Every method is asynchronous (PostgreSQL needs it) and every write survives
 * the death of any process before its promise resolves. Returned objects are snapshots: a storage never mutates one
 * it handed out, and a finished trial (COMPLETE, PRUNED, FAIL) can never change again
 * (`TrialFinishedError`). Trial numbers are unique and gap-free per study, even across processes.
 */
export interface Storage {
  /** Throws `DuplicatedStudyError` when the name is taken. */
  createStudy(studyName: string, directions: readonly StudyDirection[]): Promise<number>;
  deleteStudy(studyId: number): Promise<void>;
  /** Throws `StudyNotFoundError`. */
  getStudyIdByName(studyName: string): Promise<number>;
  getStudy(studyId: number): Promise<StudyRecord>;
  getAllStudies(): Promise<StudyRecord[]>;
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): Promise<void>;
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): Promise<void>;

  /** A new trial, RUNNING (start time now) unless the template says WAITING; null when `maxTrials` is reached. */
  createTrial(studyId: number, template?: TrialTemplate, options?: CreateTrialOptions): Promise<FrozenTrial | null>;
  /**
   * Atomically moves the oldest WAITING trial (or, given `trialNumber`, that one, if it is WAITING)
   * to RUNNING and returns it; null when there is none. A scheduler's executor claims the trial of the
   * job it was handed by number, so concurrent workers never swap jobs.
   */
  claimWaitingTrial(studyId: number, trialNumber?: number): Promise<FrozenTrial | null>;
  setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): Promise<void>;
  /** Sets the state (and values when COMPLETE); finishing stamps the completion time. */
  setTrialState(trialId: number, state: TrialState, values?: readonly number[] | null): Promise<void>;
  setTrialIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): Promise<void>;
  getTrial(trialId: number): Promise<FrozenTrial>;
  /** Trials of a study in number order; `fromNumber` skips lower numbers (for incremental caches). */
  getAllTrials(
    studyId: number,
    options?: { states?: readonly TrialState[]; fromNumber?: number },
  ): Promise<FrozenTrial[]>;

  /** Records that the process running this trial is alive. */
  recordHeartbeat(trialId: number): Promise<void>;
  /**
   * Marks FAIL every RUNNING trial of the study whose last heartbeat is older than `gracePeriodMs`
   * (its process died) and returns them. Trials that never had a heartbeat are left alone.
   */
  failStaleTrials(studyId: number, gracePeriodMs: number): Promise<FrozenTrial[]>;

  close(): Promise<void>;
}

/** Sysattr key under which the reason for a FAIL is kept. */
export const FAIL_REASON_KEY = 'fail_reason';
/** Sysattr key naming the worker that runs a trial (see `Study.setOwnerTag`). */
export const OWNER_KEY = 'owner';

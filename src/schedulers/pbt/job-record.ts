import type { FrozenTrial } from '../../trial/frozen-trial';
import type { JsonValue } from '../../trial/json';
import type { PBTParams } from './member';

/** Trial system attribute of a PBT job, and study system attribute of the run's settings. */
export const PBT_KEY = 'pbt';
/**
 * Where a PBT trial's start state came from (trial system attribute): `live` (the member this
 * thread holds trained on), `memory` (a copy held in this process or handed over between threads)
 * or `checkpoint` (loaded from the study's checkpoint folder: a state another process trained, or
 * one this process no longer holds). Not set on fresh starts.
 */
export const PBT_START_STATE_KEY = 'pbt_start_state';
export type PBTStartState = 'live' | 'memory' | 'checkpoint';
/** Set on a PBT trial a dead process left WAITING or RUNNING: its job runs again as a new trial. */
export const PBT_INTERRUPTED_KEY = 'pbt_interrupted';

/** One exploit as stored with the recipient's next job: who it copied, at which epoch, with which parameters. */
export interface ExploitRecord {
  readonly donor: number;
  /** The donor's trial whose end state the recipient took over. */
  readonly donorTrial: number;
  readonly epoch: number;
  readonly donorScore: number;
  /** The recipient's score before the copy (NaN, stored as null, after a failed interval). */
  readonly recipientScore: number | null;
  readonly paramsBefore: PBTParams;
  readonly paramsAfter: PBTParams;
}

/**
 * What a PBT trial records (system attribute `pbt`): member `member` trained from `fromEpoch` to
 * `toEpoch` with the trial's params, starting fresh, from its own trial `from` or, after an exploit,
 * from the donor's trial `from`. Together the trials are the whole run: `PBTScheduler.prepare`
 * rebuilds the population from them and `lineageOf` reads the lineage.
 */
export interface PBTJobRecord {
  readonly member: number;
  readonly fromEpoch: number;
  readonly toEpoch: number;
  readonly start: 'fresh' | 'continue' | 'exploit';
  /** The trial whose end state this job starts from; null when fresh. */
  readonly from: number | null;
  /**
   * The member's trial this job comes after (the interval it was decided at, or the interrupted
   * job it runs again); null for the member's first job. With `member` it is the job's key: two
   * processes deciding the same member's next job at once make two trials with one key, and only
   * the lower-numbered stands (`pbt-claims.ts`). Absent in records stored before it existed.
   */
  readonly follows?: number | null;
  readonly exploit?: ExploitRecord;
}

/** The trial's PBT job record, or null for a trial PBT did not make. */
export function jobRecordOf(trial: FrozenTrial): PBTJobRecord | null {
  const raw = trial.systemAttrs[PBT_KEY];
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, JsonValue>;
  if (typeof r['member'] !== 'number' || typeof r['fromEpoch'] !== 'number' || typeof r['toEpoch'] !== 'number')
    return null;
  return raw as unknown as PBTJobRecord;
}

/**
 * A trial whose job did not run to its end through no fault of its own, so the job runs again as
 * a later trial: left WAITING or RUNNING by a dead process (marked by the resuming run's
 * `prepare`), failed by another process's heartbeat check (storages word that reason "no
 * heartbeat ..."), or by a Ctrl-C that ended the worker pool (its reason starts "interrupted").
 */
export function wasInterruptedPBT(trial: FrozenTrial): boolean {
  return (
    trial.systemAttrs[PBT_INTERRUPTED_KEY] === true ||
    (trial.state === 'FAIL' && /^(no heartbeat|interrupted)/.test(trial.failReason ?? ''))
  );
}

/** The record as JSON for storage (NaN scores become null: JSON has no NaN). */
export function recordToJson(record: PBTJobRecord): JsonValue {
  return JSON.parse(JSON.stringify(record)) as JsonValue;
}

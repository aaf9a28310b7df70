import type { FrozenTrial } from '../../trial/frozen-trial';
import type { IntervalRecord } from './explorer';
import { jobRecordOf, wasInterruptedPBT, type PBTJobRecord } from './job-record';
import type { PBTParams } from './member';
import { standingPBTTrials } from './pbt-claims';

/** One member as its trials leave it. */
export interface MemberView {
  readonly id: number;
  /** Epochs of the state it holds; while a job runs, the job's `fromEpoch`. */
  step: number;
  /** The parameters of its latest trial; null before its first. */
  params: PBTParams | null;
  /** The trial whose end state it holds (null: none yet). */
  stateTrial: number | null;
  /** The score of that state, raw (NaN when none, or after a failed interval). */
  score: number;
  /** Its own score at the end of each interval, by epoch (the synchronous variant's snapshot). */
  readonly scoreAt: Map<number, number>;
  /** Its WAITING or RUNNING trial. */
  inFlight: FrozenTrial | null;
  /** Its latest ended trial, when nothing has started since: the point it is ready at. */
  ready: FrozenTrial | null;
  /** The latest interval failed (threw or scored NaN). */
  failed: boolean;
  consecutiveFailures: number;
  /** A job a dead process left unfinished (trial `trial`): it runs again as it was. */
  rerun: { readonly trial: number; readonly record: PBTJobRecord; readonly params: PBTParams } | null;
}

export interface PopulationView {
  readonly members: MemberView[];
  /** Every interval trained, in trial order, as explorers see the run (PB2 fits to it). */
  readonly history: IntervalRecord[];
  /** The COMPLETE trials, in number order: each ended with a state a later job may start from. */
  readonly completed: number[];
  /** The epoch each COMPLETE trial's state stands at (its job's `toEpoch`). */
  readonly endEpochs: Map<number, number>;
}

/**
 * The population a study's PBT trials describe, replayed in trial-number order: where each member
 * is, what it holds, what it waits for. Pure: `PBTScheduler.prepare` calls it after a reload, and
 * the scheduler calls it before every decision, so its state never lives only in memory. Only the
 * trials that stand for their jobs count (`standingPBTTrials`): a duplicate another process made
 * of the same job is no part of the run, even before it is discarded.
 */
export function rebuildPopulation(
  trials: readonly FrozenTrial[],
  populationSize: number,
  sign: 1 | -1,
): PopulationView {
  const members: MemberView[] = Array.from({ length: populationSize }, (_, id) => ({
    id,
    step: 0,
    params: null,
    stateTrial: null,
    score: Number.NaN,
    scoreAt: new Map(),
    inFlight: null,
    ready: null,
    failed: false,
    consecutiveFailures: 0,
    rerun: null,
  }));
  const history: IntervalRecord[] = [];
  const completed: number[] = [];
  const endEpochs = new Map<number, number>();
  const values = new Map<number, number>();
  const valueOf = (n: number | null) => (n === null ? Number.NaN : (values.get(n) ?? Number.NaN));
  for (const t of standingPBTTrials(trials)) {
    const r = jobRecordOf(t);
    if (r === null) continue;
    const m = members[r.member];
    if (m === undefined) continue;
    m.params = t.params;
    if (wasInterruptedPBT(t)) {
      m.rerun = { trial: t.number, record: r, params: t.params };
      m.inFlight = null;
      m.ready = null;
      m.step = r.fromEpoch;
      m.stateTrial = r.from;
      m.score = valueOf(r.from);
      continue;
    }
    m.rerun = null;
    if (t.state === 'WAITING' || t.state === 'RUNNING') {
      m.inFlight = t;
      m.ready = null;
      m.step = r.fromEpoch;
      m.stateTrial = r.from;
      m.score = valueOf(r.from);
      continue;
    }
    m.inFlight = null;
    m.ready = t;
    if (t.state === 'COMPLETE' && t.value !== null) {
      values.set(t.number, t.value);
      completed.push(t.number);
      endEpochs.set(t.number, r.toEpoch);
      history.push({
        member: r.member,
        fromStep: r.fromEpoch,
        toStep: r.toEpoch,
        params: t.params,
        rewardBefore: sign * valueOf(r.from),
        rewardAfter: sign * t.value,
      });
      m.step = r.toEpoch;
      m.stateTrial = t.number;
      m.score = t.value;
      m.scoreAt.set(r.toEpoch, t.value);
      m.failed = false;
      m.consecutiveFailures = 0;
    } else {
      // A failed interval leaves the member with the state it started from.
      m.step = r.fromEpoch;
      m.stateTrial = r.from;
      m.score = Number.NaN;
      m.failed = true;
      m.consecutiveFailures++;
    }
  }
  return { members, history, completed, endEpochs };
}

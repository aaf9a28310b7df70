import { jobRecordOf, wasInterruptedPBT } from '../../schedulers/pbt/job-record';
import type { TrialState } from '../../trial/state';
import type { StudySnapshot } from '../snapshot';

/** One PBT job: member `member` trained from `fromEpoch` to `toEpoch` as trial `trial`. */
export interface LineageSegment {
  readonly trial: number;
  readonly member: number;
  readonly fromEpoch: number;
  readonly toEpoch: number;
  readonly start: 'fresh' | 'continue' | 'exploit';
  readonly state: TrialState;
  readonly value: number | null;
}

/** One exploit: at `epoch`, `recipient` took over `donor`'s state (trial `donorTrial`). */
export interface LineageCopy {
  readonly epoch: number;
  readonly donor: number;
  readonly recipient: number;
  readonly donorTrial: number;
  readonly trial: number;
}

/** A numeric hyperparameter of one member over epochs: its value from each job's first epoch. */
export interface ScheduleStep {
  readonly param: string;
  readonly member: number;
  readonly epoch: number;
  readonly value: number;
}

export interface PBTLineageData {
  readonly segments: readonly LineageSegment[];
  readonly copies: readonly LineageCopy[];
  /** Per numeric parameter and member, in epoch order; each member's last value repeated at its last epoch. */
  readonly schedules: readonly ScheduleStep[];
  readonly params: readonly string[];
}

/**
 * What a PBT (or PB2) run did, from the job records its trials store: each member's jobs over
 * epochs, who copied whom (a tree over epochs), and each member's parameter schedule. Empty for a
 * study PBT did not make. Jobs a dead process left behind (run again later) are left out.
 */
export function pbtLineageData(study: StudySnapshot): PBTLineageData {
  const segments: LineageSegment[] = [];
  const copies: LineageCopy[] = [];
  const steps = new Map<string, ScheduleStep[]>();
  const trials = study.trials.filter((t) => jobRecordOf(t) !== null && !wasInterruptedPBT(t));
  for (const t of trials) {
    const r = jobRecordOf(t);
    if (r === null) continue;
    const value =
      t.state === 'COMPLETE' && t.values !== null && Number.isFinite(t.values[0]) ? (t.values[0] as number) : null;
    segments.push({
      trial: t.number,
      member: r.member,
      fromEpoch: r.fromEpoch,
      toEpoch: r.toEpoch,
      start: r.start,
      state: t.state,
      value,
    });
    if (r.exploit !== undefined) {
      copies.push({
        epoch: r.exploit.epoch,
        donor: r.exploit.donor,
        recipient: r.member,
        donorTrial: r.exploit.donorTrial,
        trial: t.number,
      });
    }
    for (const [param, v] of Object.entries(t.params)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const key = `${param}\u0000${r.member}`;
      const list = steps.get(key) ?? [];
      list.push({ param, member: r.member, epoch: r.fromEpoch, value: v });
      list.push({ param, member: r.member, epoch: r.toEpoch, value: v });
      steps.set(key, list);
    }
  }
  // Only parameters that change somewhere are schedules; constants would draw flat lines.
  const byParam = new Map<string, Set<number>>();
  for (const list of steps.values()) {
    for (const s of list) {
      const values = byParam.get(s.param) ?? new Set<number>();
      values.add(s.value);
      byParam.set(s.param, values);
    }
  }
  const params = [...byParam]
    .filter(([, values]) => values.size > 1)
    .map(([p]) => p)
    .sort();
  const schedules = [...steps.values()]
    .flat()
    .filter((s) => params.includes(s.param))
    .sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : a.member - b.member || a.epoch - b.epoch));
  return {
    segments: segments.sort((a, b) => a.member - b.member || a.fromEpoch - b.fromEpoch || a.trial - b.trial),
    copies: copies.sort((a, b) => a.epoch - b.epoch || a.recipient - b.recipient),
    schedules,
    params,
  };
}

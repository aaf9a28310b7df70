import type { FrozenTrial } from '../../trial/frozen-trial';
import { slotOf } from '../../trial/hyperband-slot';
import type { TrialState } from '../../trial/state';
import type { StudySnapshot } from '../snapshot';

/** A point where a trial reached a rung: the end of a Hyperband/ASHA round or an ASHA-pruner rung. */
export interface RungMark {
  readonly step: number;
  readonly value: number;
  /** The Hyperband round, or r of the pruner's `completed_rung_<r>`. */
  readonly rung: number;
  /** The Hyperband bracket; null for pruner rungs. */
  readonly bracket: number | null;
}

export interface LearningCurve {
  readonly number: number;
  readonly state: TrialState;
  /** Steps ascending; non-finite values left out. */
  readonly points: readonly { readonly step: number; readonly value: number }[];
  readonly rungs: readonly RungMark[];
  /** The trial whose checkpoint this one continues (Hyperband/ASHA promotions); null otherwise. */
  readonly parent: number | null;
}

export interface IntermediateData {
  /** Trials that reported anything, in number order. */
  readonly curves: readonly LearningCurve[];
}

const RUNG_KEY = /^completed_rung_(\d+)$/;

/**
 * Rungs of the successive-halving pruner: it records the value it judged as `completed_rung_<r>`
 * but not the step, so each rung is matched to the first later step holding that value.
 */
function prunerRungs(trial: FrozenTrial, points: readonly { step: number; value: number }[]): RungMark[] {
  const rungs = Object.entries(trial.systemAttrs)
    .map(([k, v]) => ({ rung: Number(RUNG_KEY.exec(k)?.[1] ?? NaN), value: v }))
    .filter((r): r is { rung: number; value: number } => Number.isInteger(r.rung) && typeof r.value === 'number')
    .sort((a, b) => a.rung - b.rung);
  const marks: RungMark[] = [];
  let from = 0;
  for (const r of rungs) {
    const i = points.findIndex((p, j) => j >= from && p.value === r.value);
    if (i < 0) continue;
    const p = points[i] as { step: number; value: number };
    marks.push({ step: p.step, value: p.value, rung: r.rung, bracket: null });
    from = i;
  }
  return marks;
}

/**
 * Learning curves (Optuna's `_get_intermediate_plot_info`) with the state of each trial, so pruned
 * ones can be marked, and the rungs each reached: a Hyperband/ASHA slot (trial system attribute
 * `hyperband`) ends its round at its last reported step; pruner rungs come from `completed_rung_<r>`.
 */
export function intermediateData(study: StudySnapshot): IntermediateData {
  const curves: LearningCurve[] = [];
  for (const t of [...study.trials].sort((a, b) => a.number - b.number)) {
    const points = [...t.intermediateValues]
      .filter(([, v]) => Number.isFinite(v))
      .sort(([a], [b]) => a - b)
      .map(([step, value]) => ({ step, value }));
    if (points.length === 0) continue;
    const slot = slotOf(t);
    const last = points[points.length - 1] as { step: number; value: number };
    const rungs =
      slot === null
        ? prunerRungs(t, points)
        : t.state === 'COMPLETE'
          ? [{ step: last.step, value: last.value, rung: slot.round, bracket: slot.bracket }]
          : [];
    curves.push({ number: t.number, state: t.state, points, rungs, parent: slot?.parent ?? null });
  }
  return { curves };
}

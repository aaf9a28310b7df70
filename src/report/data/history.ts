import type { StudyDirection } from '../../trial/state';
import { checkObjective, feasibility, isBetter, objectiveLabel, objectiveValue, type StudySnapshot } from '../snapshot';

export interface HistoryPoint {
  readonly number: number;
  readonly value: number;
  /** False when the trial broke a constraint: drawn, but never the best. */
  readonly feasible: boolean;
  /** The best feasible value among this trial and every earlier one; null until a feasible one. */
  readonly bestSoFar: number | null;
  /** Whether this trial set a new best. */
  readonly isNewBest: boolean;
}

export interface HistoryData {
  readonly objective: number;
  readonly label: string;
  readonly direction: StudyDirection;
  /** COMPLETE trials with a finite value, in trial-number order. */
  readonly points: readonly HistoryPoint[];
}

/**
 * The optimisation history of one objective (Optuna's `_get_optimization_history_info_list`):
 * every COMPLETE trial's value in number order and the best-so-far line, which only feasible trials
 * move. Non-finite values are left out (a chart cannot place them).
 */
export function historyData(study: StudySnapshot, objective = 0): HistoryData {
  const direction = checkObjective(study, objective);
  const trials = [...study.trials].sort((a, b) => a.number - b.number);
  const points: HistoryPoint[] = [];
  let best: number | null = null;
  for (const t of trials) {
    const value = objectiveValue(t, objective);
    if (value === null) continue;
    const feasible = feasibility(t) !== false;
    const isNewBest = feasible && (best === null || isBetter(value, best, direction));
    if (isNewBest) best = value;
    points.push({ number: t.number, value, feasible, bestSoFar: best, isNewBest });
  }
  return { objective, label: objectiveLabel(study, objective), direction, points };
}

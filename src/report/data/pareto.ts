import { paretoFront } from '../../study/multi-objective';
import type { StudyDirection } from '../../trial/state';
import { InvalidArgumentError } from '../../errors';
import { feasibility, type StudySnapshot } from '../snapshot';

export interface ParetoPoint {
  readonly number: number;
  readonly values: readonly number[];
  readonly onFront: boolean;
  readonly feasible: boolean;
}

export interface ParetoData {
  readonly directions: readonly StudyDirection[];
  /** COMPLETE trials with finite values, front first, then by number. */
  readonly points: readonly ParetoPoint[];
}

/**
 * The Pareto front of a 2- or 3-objective study (Optuna's `_get_pareto_front_info`): every COMPLETE
 * trial with finite values, flagged when no other dominates it. As in Optuna, the front is taken
 * over the feasible trials only when the study carries constraints.
 */
export function paretoData(study: StudySnapshot): ParetoData {
  const n = study.directions.length;
  if (n !== 2 && n !== 3) throw new InvalidArgumentError('study.directions', study.directions, '2 or 3 objectives');
  const done = study.trials.filter(
    (t) => t.state === 'COMPLETE' && t.values !== null && t.values.length === n && t.values.every(Number.isFinite),
  );
  const feasible = done.filter((t) => feasibility(t) !== false);
  const front = new Set(paretoFront(feasible, study.directions).map((t) => t.number));
  const points = done
    .map((t) => ({
      number: t.number,
      values: t.values as readonly number[],
      onFront: front.has(t.number),
      feasible: feasibility(t) !== false,
    }))
    .sort((a, b) => Number(b.onFront) - Number(a.onFront) || a.number - b.number);
  return { directions: study.directions, points };
}

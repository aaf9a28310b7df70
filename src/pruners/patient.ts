import { InvalidArgumentError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Pruner } from './base';
import { singleDirection } from './successive-halving';

export interface PatientPrunerOptions {
  /** Steps without improvement before the wrapped pruner is asked at all. An integer >= 0. */
  readonly patience: number;
  /** Tolerance: a window counts as stalled only when worse than the best before it by more than this. Default 0. */
  readonly minDelta?: number;
}

/** The best (NaN-ignoring) value among `values`; NaN when all are NaN, so comparisons come out false. */
function nanBest(values: readonly number[], maximize: boolean): number {
  let best = NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (maximize ? v > best : v < best)) best = v;
  }
  return best;
}

/**
 * Tolerance around another pruner (Optuna's PatientPruner): a trial may be pruned only once its
 * best value over the last `patience + 1` reported steps is worse, by more than `minDelta`, than
 * its best value before them (strictly: a flat curve is not pruned); then the wrapped pruner
 * decides. With no wrapped pruner this is per-trial early stopping on the reported values.
 *
 * @example
 * ```ts
 * const pruner = new tune.PatientPruner(new tune.MedianPruner(), { patience: 3 });
 * ```
 */
export class PatientPruner implements Pruner {
  readonly patience: number;
  readonly minDelta: number;

  constructor(
    readonly wrapped: Pruner | null,
    options: PatientPrunerOptions,
  ) {
    const { patience, minDelta = 0 } = options;
    if (!Number.isInteger(patience) || patience < 0) {
      throw new InvalidArgumentError('patience', patience, 'an integer >= 0');
    }
    if (!(typeof minDelta === 'number' && minDelta >= 0 && Number.isFinite(minDelta))) {
      throw new InvalidArgumentError('minDelta', minDelta, 'a finite number >= 0');
    }
    this.patience = patience;
    this.minDelta = minDelta;
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    if (trial.lastStep === null) return false;
    const steps = [...trial.intermediateValues.keys()].sort((a, b) => a - b);
    // The window holds patience + 1 steps and there must be at least one step before it.
    if (steps.length <= this.patience + 1) return false;
    const split = steps.length - this.patience - 1;
    const valuesAt = (s: readonly number[]): number[] => s.map((step) => trial.intermediateValues.get(step) as number);
    const before = valuesAt(steps.slice(0, split));
    const after = valuesAt(steps.slice(split));

    const maximize = singleDirection(study, 'PatientPruner') === 'maximize';
    const noImprovement = maximize
      ? nanBest(before, true) - this.minDelta > nanBest(after, true)
      : nanBest(before, false) + this.minDelta < nanBest(after, false);
    if (!noImprovement) return false;
    return this.wrapped === null ? true : this.wrapped.prune(study, trial);
  }
}

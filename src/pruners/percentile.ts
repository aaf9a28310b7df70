import { InvalidArgumentError, TfjsTuneError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Pruner } from './base';
import { bestIntermediate, isFirstInIntervalStep, nanPercentile } from './percentile-math';

export interface PercentilePrunerOptions {
  /** No pruning until this many trials have completed. Default 5. */
  readonly nStartupTrials?: number;
  /** No pruning before this step of a trial. Default 0. */
  readonly nWarmupSteps?: number;
  /** Judge a trial once every this many steps after the warm-up. Default 1. */
  readonly intervalSteps?: number;
  /** No pruning at a step fewer than this many completed trials reported. Default 1. */
  readonly nMinTrials?: number;
}

function checkCount(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  return value;
}

/**
 * Prunes a trial whose best value so far is worse than the given percentile of the completed
 * trials' values at the same step (Optuna's PercentilePruner).
 *
 * @example
 * ```ts
 * const pruner = new tune.PercentilePruner(25, { nStartupTrials: 5, nWarmupSteps: 2 });
 * ```
 */
export class PercentilePruner implements Pruner {
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;

  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new InvalidArgumentError('percentile', percentile, 'a number from 0 to 100');
    }
    this.percentile = percentile;
    this.nStartupTrials = checkCount('nStartupTrials', options.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = checkCount('nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkCount('intervalSteps', options.intervalSteps ?? 1, 1);
    this.nMinTrials = checkCount('nMinTrials', options.nMinTrials ?? 1, 1);
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) {
      throw new TfjsTuneError(
        'PercentilePruner (and MedianPruner) judge one objective; for several, use DominatedPruner on reported vectors',
      );
    }
    const direction = study.directions[0] ?? 'minimize';
    const completed = study.getTrials({ states: ['COMPLETE'] });
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    const step = trial.lastStep;
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps)) {
      return false;
    }
    const best = bestIntermediate(trial, direction);
    if (Number.isNaN(best)) return true;

    const atStep: number[] = [];
    for (const t of completed) {
      const v = t.intermediateValues.get(step);
      if (v !== undefined) atStep.push(v);
    }
    if (atStep.length < this.nMinTrials) return false;
    // For maximisation the bad side is the low tail, so mirror the percentile.
    const q = direction === 'maximize' ? 100 - this.percentile : this.percentile;
    const threshold = nanPercentile(atStep, q);
    if (Number.isNaN(threshold)) return false;
    return direction === 'maximize' ? best < threshold : best > threshold;
  }
}

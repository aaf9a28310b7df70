import { InvalidArgumentError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Pruner } from './base';
import { isFirstInIntervalStep } from './percentile-math';

export interface ThresholdPrunerOptions {
  /** Prune when the last reported value is below this. At least one of `lower`, `upper` is required. */
  readonly lower?: number;
  /** Prune when the last reported value is above this. */
  readonly upper?: number;
  /** No pruning before this step. Default 0. */
  readonly nWarmupSteps?: number;
  /** Check once every this many steps after the warm-up. Default 1. */
  readonly intervalSteps?: number;
}

function checkBound(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new InvalidArgumentError(field, value, 'a number');
  return value;
}

function checkInteger(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  return value;
}

/**
 * Prunes a trial whose last reported value is NaN or outside [lower, upper] (Optuna's
 * ThresholdPruner): a guard against diverging runs, independent of every other trial, so it works
 * from the first trial on.
 *
 * @example
 * ```ts
 * const pruner = new tune.ThresholdPruner({ upper: 10, nWarmupSteps: 2 }); // a loss that blew up
 * ```
 */
export class ThresholdPruner implements Pruner {
  readonly lower: number;
  readonly upper: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;

  constructor(options: ThresholdPrunerOptions) {
    if (options.lower === undefined && options.upper === undefined) {
      throw new InvalidArgumentError('ThresholdPruner options', options, 'at least one of lower, upper');
    }
    this.lower = checkBound('lower', options.lower, -Infinity);
    this.upper = checkBound('upper', options.upper, Infinity);
    if (this.lower > this.upper) {
      throw new InvalidArgumentError('lower', this.lower, `a number <= upper (${this.upper})`);
    }
    this.nWarmupSteps = checkInteger('nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInteger('intervalSteps', options.intervalSteps ?? 1, 1);
  }

  prune(_study: StudyView, trial: FrozenTrial): boolean {
    const step = trial.lastStep;
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps)) {
      return false;
    }
    const value = trial.intermediateValues.get(step) as number;
    return Number.isNaN(value) || value < this.lower || value > this.upper;
  }
}

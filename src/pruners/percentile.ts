import { InvalidArgumentError, TfjsTuneError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Pruner } from './base';
import { resolveStepGate, type StepGateOptions } from './step-gate';
import { bestIntermediate, isFirstInIntervalStep, nanPercentile } from './percentile-math';

export type PercentilePrunerOptions = StepGateOptions;

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
    ({
      nStartupTrials: this.nStartupTrials,
      nWarmupSteps: this.nWarmupSteps,
      intervalSteps: this.intervalSteps,
      nMinTrials: this.nMinTrials,
    } = resolveStepGate(options));
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

import { InvalidArgumentError, TfjsTuneError } from '../errors';
import type { StudyView } from '../study/study-view';
import { dominates } from '../trial/dominates';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Pruner } from './base';
import { resolveStepGate, type StepGateOptions } from './step-gate';
import { isFirstInIntervalStep } from './percentile-math';

export interface DominatedPrunerOptions extends StepGateOptions {
  /**
   * Prune when at least this fraction of the completed trials that reported the same step dominate
   * the trial's vector there. Default 0.5: dominated by half of them, the median rule's analogue
   * for several objectives. 1 prunes only trials every earlier one beats.
   */
  readonly minDominatedFraction?: number;
}

/**
 * Pruning for several objectives (the gap Optuna's users have asked about since optuna#3450): a
 * trial reports one vector per step (`trial.report([valAcc, params], epoch)`), and is pruned when
 * its vector at that step is Pareto-dominated by enough of the completed trials' vectors at the same
 * step. A trial that is better in one objective is never dominated, so a small model with lower
 * accuracy survives beside large accurate ones: what a Pareto search needs kept.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({
 *   directions: ['maximize', 'minimize'],
 *   pruner: new tune.DominatedPruner({ nStartupTrials: 5, minDominatedFraction: 0.5 }),
 * });
 * ```
 */
export class DominatedPruner implements Pruner {
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly minDominatedFraction: number;
  readonly nMinTrials: number;

  constructor(options: DominatedPrunerOptions = {}) {
    ({
      nStartupTrials: this.nStartupTrials,
      nWarmupSteps: this.nWarmupSteps,
      intervalSteps: this.intervalSteps,
      nMinTrials: this.nMinTrials,
    } = resolveStepGate(options));
    const fraction = options.minDominatedFraction ?? 0.5;
    if (!(fraction > 0 && fraction <= 1))
      throw new InvalidArgumentError('minDominatedFraction', fraction, 'a number in (0, 1]');
    this.minDominatedFraction = fraction;
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const directions = study.directions;
    const vectors = directions.length > 1 ? trial.intermediateVectors : scalarVectors(trial.intermediateValues);
    const step = lastKey(vectors);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, vectors.keys(), this.nWarmupSteps, this.intervalSteps)) return false;
    const mine = vectors.get(step) as readonly number[];
    if (mine.length !== directions.length)
      throw new TfjsTuneError(
        `trial ${trial.number} reported ${mine.length} values at step ${step}; the study has ${directions.length} objectives`,
      );
    if (mine.some(Number.isNaN)) return true;
    const completed = study.getTrials({ states: ['COMPLETE'] });
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    let compared = 0;
    let dominating = 0;
    for (const t of completed) {
      const other = (directions.length > 1 ? t.intermediateVectors : scalarVectors(t.intermediateValues)).get(step);
      if (other === undefined || other.some(Number.isNaN)) continue;
      compared += 1;
      if (dominates(other, mine, directions)) dominating += 1;
    }
    if (compared < this.nMinTrials) return false;
    return dominating >= this.minDominatedFraction * compared;
  }
}

/** One objective: each reported value as a vector of one, so the same rule applies. */
function scalarVectors(values: ReadonlyMap<number, number>): ReadonlyMap<number, readonly number[]> {
  return new Map([...values].map(([s, v]) => [s, [v]]));
}

function lastKey(map: ReadonlyMap<number, unknown>): number | null {
  let last: number | null = null;
  for (const k of map.keys()) if (last === null || k > last) last = k;
  return last;
}

import { InvalidArgumentError, TfjsTuneError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyDirection } from '../trial/state';
import type { Pruner } from './base';
import {
  competingValues,
  completedRungKey,
  currentRung,
  estimateMinResource,
  isPromotable,
  rungPromotionStep,
} from './successive-halving-math';

export interface SuccessiveHalvingPrunerOptions {
  /**
   * Steps before the first rung (r in the ASHA paper). 'auto' (default): a hundredth of the longest
   * trial completed when the pruner first looks (at least 1); nothing is pruned before that.
   */
  readonly minResource?: number | 'auto';
  /** eta: about 1/eta of the trials reaching a rung go on to the next. Default 4. */
  readonly reductionFactor?: number;
  /** s: the first rung sits at minResource * eta^s. Default 0. */
  readonly minEarlyStoppingRate?: number;
  /** Trials that must reach a rung before any is promoted from it (the first ones are pruned). Default 0. */
  readonly bootstrapCount?: number;
}

/**
 * The engine hook that keeps a pruner's bookkeeping in storage: records a system attribute on a
 * trial this process is running, so that its next snapshot, this process's trial list and (after a
 * refresh) every other process see it.
 */
export interface TrialSystemAttrWriter {
  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void;
}

/** Whether the study view can record trial system attributes (the Study does). */
export function canWriteTrialSystemAttrs(study: StudyView): study is StudyView & TrialSystemAttrWriter {
  return typeof (study as Partial<TrialSystemAttrWriter>).setTrialSystemAttr === 'function';
}

/** The single direction of a study, or a clear error for pruners that need one. */
export function singleDirection(study: StudyView, pruner: string): StudyDirection {
  const direction = study.directions[0];
  if (study.directions.length !== 1 || direction === undefined) {
    throw new TfjsTuneError(`${pruner} does not support multi-objective studies`);
  }
  return direction;
}

function checkInteger(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  return value;
}

/**
 * Asynchronous successive halving (ASHA, Li et al. 2018), as Optuna's SuccessiveHalvingPruner.
 * Rung r ends at step minResource * eta^(minEarlyStoppingRate + r). When a trial first reports at
 * or after that step it records its value there as the system attribute `completed_rung_<r>`, and
 * goes on only if that value is in the top 1/eta of all values recorded at rung r so far. No trial
 * waits for others, so decisions come from whoever has reached the rung: early trials compete
 * against few, and `bootstrapCount` makes the first ones at a rung stop rather than pass unopposed.
 *
 * @example
 * ```ts
 * const pruner = new tune.SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
 * ```
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
  private minResourceValue: number | null;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const minResource = options.minResource ?? 'auto';
    if (minResource !== 'auto') checkInteger('minResource', minResource, 1);
    this.reductionFactor = checkInteger('reductionFactor', options.reductionFactor ?? 4, 2);
    this.minEarlyStoppingRate = checkInteger('minEarlyStoppingRate', options.minEarlyStoppingRate ?? 0, 0);
    this.bootstrapCount = checkInteger('bootstrapCount', options.bootstrapCount ?? 0, 0);
    if (this.bootstrapCount > 0 && minResource === 'auto') {
      // With 'auto' the first rung is unknown until a trial completes: no rung could be bootstrapped.
      throw new InvalidArgumentError('bootstrapCount', this.bootstrapCount, "0 when minResource is 'auto'");
    }
    this.minResourceValue = minResource === 'auto' ? null : minResource;
  }

  /** The minimum resource in steps: fixed, or estimated once a trial has completed ('auto'). */
  get minResource(): number | null {
    return this.minResourceValue;
  }

  /** The step at which `rung` ends, or null while an 'auto' minimum resource is unknown. */
  rungStep(rung: number): number | null {
    if (this.minResourceValue === null) return null;
    return rungPromotionStep(this.minResourceValue, this.reductionFactor, this.minEarlyStoppingRate, rung);
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const step = trial.lastStep;
    if (step === null) return false;
    const direction = singleDirection(study, 'SuccessiveHalvingPruner');
    const value = trial.intermediateValues.get(step) as number;
    let rung = currentRung(trial);
    // Read once, before this call records anything: the judged trial's own values come from
    // `value`, never twice from the list.
    let trials: readonly FrozenTrial[] | null = null;

    // A trial that reports sparsely may pass several rungs in one report: judge each in turn.
    for (;;) {
      if (this.minResourceValue === null) {
        trials ??= study.getTrials();
        this.minResourceValue = estimateMinResource(trials);
        if (this.minResourceValue === null) return false;
      }
      const promotionStep = rungPromotionStep(
        this.minResourceValue,
        this.reductionFactor,
        this.minEarlyStoppingRate,
        rung,
      );
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;

      trials ??= study.getTrials();
      const key = completedRungKey(rung);
      if (!canWriteTrialSystemAttrs(study)) {
        throw new TfjsTuneError(
          'SuccessiveHalvingPruner needs a study that records trial system attributes (StudyView.setTrialSystemAttr)',
        );
      }
      study.setTrialSystemAttr(trial.number, key, value);

      const competing = competingValues(trials, key, value);
      // `competing` includes this trial, hence <=.
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, direction)) return true;
      rung++;
    }
  }
}

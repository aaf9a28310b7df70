import { InvalidArgumentError } from '../errors';

/** When a step-comparing pruner (percentile, median, dominated) may judge a trial at all. */
export interface StepGateOptions {
  /** No pruning until this many trials have completed. Default 5. */
  readonly nStartupTrials?: number;
  /** No pruning before this step of a trial. Default 0. */
  readonly nWarmupSteps?: number;
  /** Judge a trial once every this many steps after the warm-up. Default 1. */
  readonly intervalSteps?: number;
  /** No pruning at a step fewer than this many completed trials reported. Default 1. */
  readonly nMinTrials?: number;
}

export type StepGate = Required<StepGateOptions>;

/** The gate's options checked (each an integer with its own lower bound) and defaulted as Optuna's. */
export function resolveStepGate(options: StepGateOptions): StepGate {
  return {
    nStartupTrials: checkCount('nStartupTrials', options.nStartupTrials ?? 5, 0),
    nWarmupSteps: checkCount('nWarmupSteps', options.nWarmupSteps ?? 0, 0),
    intervalSteps: checkCount('intervalSteps', options.intervalSteps ?? 1, 1),
    nMinTrials: checkCount('nMinTrials', options.nMinTrials ?? 1, 1),
  };
}

function checkCount(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  return value;
}

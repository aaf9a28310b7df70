import { finite, positive, type Schedule, checkEpoch } from './validate';

export interface ExponentialScheduleOptions {
  /** Value at epoch 0. */
  readonly initial: number;
  /** Multiplier applied every `decaySteps` epochs (> 0; < 1 decays). */
  readonly decayRate: number;
  /** Epochs per application of `decayRate`. Default 1. */
  readonly decaySteps?: number;
  /** Decay in whole steps (`floor(epoch / decaySteps)`) rather than smoothly. Default false. */
  readonly staircase?: boolean;
}

/**
 * Exponential decay: `initial * decayRate ^ (epoch / decaySteps)`, floored exponent with `staircase`
 * (Keras' `ExponentialDecay` counted in epochs).
 *
 * @example
 * ```ts
 * const lr = tune.schedules.exponential({ initial: 0.1, decayRate: 0.5, decaySteps: 2, staircase: true });
 * [lr(0), lr(1), lr(2), lr(5)]; // [0.1, 0.1, 0.05, 0.025]
 * ```
 */
export function exponential(options: ExponentialScheduleOptions): Schedule {
  const initial = finite('exponential.initial', options.initial);
  const decayRate = positive('exponential.decayRate', options.decayRate);
  const decaySteps = positive('exponential.decaySteps', options.decaySteps ?? 1);
  const staircase = options.staircase ?? false;
  return (epoch) => {
    checkEpoch('exponential', epoch);
    const p = epoch / decaySteps;
    return initial * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

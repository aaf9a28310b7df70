import { finite, integer, positive, type Schedule, checkEpoch } from './validate';

export interface StepScheduleOptions {
  /** Value for the first `dropEvery` epochs. */
  readonly initial: number;
  /** Epochs between drops (an integer >= 1). */
  readonly dropEvery: number;
  /** Multiplier at each drop (> 0; e.g. 0.1). */
  readonly factor: number;
}

/**
 * Step decay: `initial * factor ^ floor(epoch / dropEvery)`.
 *
 * @example
 * ```ts
 * const lr = tune.schedules.step({ initial: 0.1, dropEvery: 10, factor: 0.1 });
 * [lr(0), lr(9), lr(10), lr(25)]; // [0.1, 0.1, 0.01, 0.001]
 * ```
 */
export function step(options: StepScheduleOptions): Schedule {
  const initial = finite('step.initial', options.initial);
  const dropEvery = integer('step.dropEvery', options.dropEvery, 1);
  const factor = positive('step.factor', options.factor);
  return (epoch) => {
    checkEpoch('step', epoch);
    return initial * factor ** Math.floor(epoch / dropEvery);
  };
}

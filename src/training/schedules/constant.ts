import { finite, type Schedule, checkEpoch } from './validate';

/**
 * The same value at every epoch (a baseline, or a placeholder in a config).
 *
 * @example
 * ```ts
 * const lr = tune.schedules.constant(1e-3);
 * lr(0) === lr(100); // true
 * ```
 */
export function constant(value: number): Schedule {
  const v = finite('constant.value', value);
  return (epoch) => {
    checkEpoch('constant', epoch);
    return v;
  };
}

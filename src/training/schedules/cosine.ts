import { InvalidArgumentError } from '../../errors';
import { finite, integer, positive, type Schedule, checkEpoch } from './validate';

export interface CosineScheduleOptions {
  /** Value at the start of each cosine period (the peak). */
  readonly initial: number;
  /** Value at the end of a period (the floor). Default 0; must be <= `initial`. */
  readonly minValue?: number;
  /** Length of the (first) period in epochs, > 0. */
  readonly period: number;
  /** Restart at `initial` after each period (SGDR); otherwise stay at `minValue`. Default false. */
  readonly warmRestarts?: boolean;
  /** With `warmRestarts`, each period is this many times longer than the last (>= 1). Default 1. */
  readonly periodMultiplier?: number;
  /** Linear warm-up epochs before the first period. Default 0. */
  readonly warmupEpochs?: number;
}

/**
 * Cosine annealing from `initial` down to `minValue` over `period` epochs, optionally with warm
 * restarts (SGDR, Loshchilov & Hutter 2017) and a linear warm-up.
 *
 * With `W = warmupEpochs`: for `epoch < W` the value is `initial * (epoch + 1) / (W + 1)` (never 0,
 * reaching `initial` where the cosine starts). Then, with `t = epoch - W` inside the current period
 * of length `T` (`t_cur` epochs into it):
 * `minValue + (initial - minValue) * (1 + cos(pi * t_cur / T)) / 2`. Without restarts `t_cur = min(t, period)`;
 * with restarts the periods are `period, period * m, period * m^2, ...` for `m = periodMultiplier`.
 *
 * @example
 * ```ts
 * const lr = tune.schedules.cosine({ initial: 0.1, minValue: 0.001, period: 10, warmRestarts: true, periodMultiplier: 2 });
 * lr(0);  // 0.1
 * lr(10); // 0.1 again: the second period (20 epochs) starts
 * ```
 */
export function cosine(options: CosineScheduleOptions): Schedule {
  const initial = finite('cosine.initial', options.initial);
  const minValue = finite('cosine.minValue', options.minValue ?? 0);
  if (minValue > initial) {
    throw new InvalidArgumentError('cosine.minValue', minValue, `a number <= initial (${initial})`);
  }
  const period = positive('cosine.period', options.period);
  const warmRestarts = options.warmRestarts ?? false;
  const multiplier = finite('cosine.periodMultiplier', options.periodMultiplier ?? 1);
  if (multiplier < 1) throw new InvalidArgumentError('cosine.periodMultiplier', multiplier, 'a number >= 1');
  if (multiplier !== 1 && !warmRestarts) {
    throw new InvalidArgumentError('cosine.periodMultiplier', multiplier, '1 unless warmRestarts is true');
  }
  const warmup = integer('cosine.warmupEpochs', options.warmupEpochs ?? 0, 0);

  return (epoch) => {
    checkEpoch('cosine', epoch);
    if (epoch < warmup) return (initial * (epoch + 1)) / (warmup + 1);
    const t = epoch - warmup;
    let tCur: number;
    let length = period;
    if (!warmRestarts) {
      tCur = Math.min(t, period);
    } else if (multiplier === 1) {
      tCur = t % period;
    } else {
      let start = 0;
      while (t >= start + length) {
        start += length;
        length *= multiplier;
      }
      tCur = t - start;
    }
    return minValue + ((initial - minValue) * (1 + Math.cos((Math.PI * tCur) / length))) / 2;
  };
}

import { InvalidArgumentError } from '../../errors';
import { finite, positive, type Schedule, checkEpoch } from './validate';

export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';
const MODES: readonly CyclicMode[] = ['triangular', 'triangular2', 'exp_range'];

export interface CyclicScheduleOptions {
  /** Lower bound of each cycle. */
  readonly base: number;
  /** Upper bound of the first cycle (>= base). */
  readonly max: number;
  /** Epochs from `base` to `max` (half a cycle), > 0. */
  readonly stepSize: number;
  /** Amplitude policy. Default 'triangular'. */
  readonly mode?: CyclicMode;
  /** For 'exp_range': the amplitude is scaled by `gamma ^ epoch`, 0 < gamma <= 1. Default 1. */
  readonly gamma?: number;
}

/**
 * Cyclical learning rate (Smith 2017): a triangle wave between `base` and `max`.
 * `cycle = floor(1 + epoch / (2 * stepSize))`, `x = |epoch / stepSize - 2 * cycle + 1|`,
 * value `= base + (max - base) * max(0, 1 - x) * scale`, with scale 1 ('triangular'),
 * `1 / 2^(cycle - 1)` ('triangular2') or `gamma ^ epoch` ('exp_range').
 *
 * @example
 * ```ts
 * const lr = tune.schedules.cyclic({ base: 0.001, max: 0.01, stepSize: 2 });
 * [lr(0), lr(2), lr(4)]; // [0.001, 0.01, 0.001]
 * ```
 */
export function cyclic(options: CyclicScheduleOptions): Schedule {
  const base = finite('cyclic.base', options.base);
  const max = finite('cyclic.max', options.max);
  if (max < base) throw new InvalidArgumentError('cyclic.max', max, `a number >= base (${base})`);
  const stepSize = positive('cyclic.stepSize', options.stepSize);
  const mode = options.mode ?? 'triangular';
  if (!MODES.includes(mode))
    throw new InvalidArgumentError('cyclic.mode', mode, MODES.map((m) => `'${m}'`).join(' | '));
  const gamma = positive('cyclic.gamma', options.gamma ?? 1);
  if (gamma > 1) throw new InvalidArgumentError('cyclic.gamma', gamma, 'a number in (0, 1]');

  return (epoch) => {
    checkEpoch('cyclic', epoch);
    const cycle = Math.floor(1 + epoch / (2 * stepSize));
    const x = Math.abs(epoch / stepSize - 2 * cycle + 1);
    const scale = mode === 'triangular' ? 1 : mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : gamma ** epoch;
    return base + (max - base) * Math.max(0, 1 - x) * scale;
  };
}

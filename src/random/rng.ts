import seedrandom from 'seedrandom';

import { InvalidArgumentError } from '../errors';

/** The serialisable state of an {@link Rng}, enough to recreate it exactly. */
export interface RngState {
  readonly seed: string;
  readonly state: object;
}

type Prng = seedrandom.PRNG & { state(): object };

/**
 * A seeded random number generator, passed explicitly wherever randomness is needed.
 *
 * Two ways to get a child stream:
 * - {@link Rng.derive} makes a child from the *seed* and a path of keys, without consuming the
 *   parent's state. `rng.derive('trial', 7)` is the same stream in every process and whatever order
 *   trials run in, which is what keeps a concurrent or multi-process study reproducible.
 * - {@link Rng.split} consumes one draw of the parent, for sequential algorithms.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform(0, 1); // same value for every run with seed 42
 * const child = rng.derive('trial', 3);
 * ```
 */
export class Rng {
  private readonly prng: Prng;
  readonly seed: string;

  constructor(seed: number | string, state?: object) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw new InvalidArgumentError('seed', seed, 'a finite number or a string');
    }
    this.seed = String(seed);
    // alea: fast, good quality, and its state can be saved and restored.
    const options = { state: (state ?? true) as true };
    this.prng = seedrandom.alea(this.seed, options);
  }

  /** Recreates a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    return new Rng(state.seed, state.state);
  }

  getState(): RngState {
    return { seed: this.seed, state: this.prng.state() };
  }

  /** An independent copy at the same position. */
  clone(): Rng {
    return Rng.fromState(this.getState());
  }

  /** A child stream determined by this generator's seed and the keys alone (no state consumed). */
  derive(...keys: readonly (string | number)[]): Rng {
    return new Rng(`${this.seed}/${keys.map(String).join('/')}`);
  }

  /** A child stream seeded from the next draw of this one. */
  split(): Rng {
    return new Rng(`${this.seed}#${this.prng.int32()}`);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    return this.prng.int32() >>> 0;
  }

  /** A float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.prng();
  }

  /** An integer in [low, high], both inclusive. */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new InvalidArgumentError('int(low, high)', [low, high], 'integers with low <= high');
    }
    return low + Math.floor(this.prng() * (high - low + 1));
  }

  /** A standard normal draw (Box–Muller; no cached second value, so the state stays simple). */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.prng();
    const v = this.prng();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One element of a non-empty array, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new InvalidArgumentError('choice(items)', items, 'a non-empty array');
    return items[Math.floor(this.prng() * items.length)] as T;
  }

  /** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i] as number;
    if (!(total > 0))
      throw new InvalidArgumentError('weightedIndex(weights)', weights, 'non-negative weights with a positive sum');
    let r = this.prng() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** A 31-bit integer seed for APIs that take one (tfjs initialisers, child processes). */
  nextSeed(): number {
    return this.prng.int32() & 0x7fffffff;
  }
}

import { InvalidArgumentError } from '../../errors';
import type { Rng } from '../../random/rng';
import { SOBOL_BITS, SOBOL_DIRECTIONS, SOBOL_MAX_DIM } from './sobol-directions';

const TWO_32 = 2 ** 32;

/** Parity of the set bits of a 32-bit integer. */
function parity(x: number): number {
  let v = x >>> 0;
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}

/**
 * One dimension's direction numbers after a linear matrix scramble: each coordinate's binary
 * digits are multiplied by a random lower-triangular matrix with a unit diagonal (digit k becomes
 * digit k plus a random subset of the more significant digits, mod 2). Like the random digital
 * shift added after it, this keeps every (t, m, s)-net property of the sequence.
 */
function scrambledDirections(v: Uint32Array, rng: Rng): Uint32Array {
  // rows[k]: the digits (as bit positions, digit 0 = bit 31) that feed output digit k.
  const rows = new Uint32Array(SOBOL_BITS);
  for (let k = 0; k < SOBOL_BITS; k++) {
    let row = 2 ** (31 - k);
    for (let j = 0; j < k; j++) if (rng.next() < 0.5) row += 2 ** (31 - j);
    rows[k] = row;
  }
  return v.map((x) => {
    let out = 0;
    for (let k = 0; k < SOBOL_BITS; k++) if (parity(x & (rows[k] as number)) === 1) out += 2 ** (31 - k);
    return out;
  });
}

/**
 * Sobol' points in Gray-code order (scipy's order: the first 2^m points of each dimension split
 * [0, 1) into 2^m equal cells, one point each). Point i is computed directly from i, so any
 * process can compute the point for its trial number. Dimensions are scrambled independently, each
 * from its own stream, so adding a dimension never changes the others.
 */
export class SobolEngine {
  private readonly dirs: Uint32Array[] = [];
  private readonly shifts: number[] = [];

  /** @param rngFor the stream for dimension d's scramble; null for the plain sequence */
  constructor(private readonly rngFor: ((dim: number) => Rng) | null) {}

  /** Point `index` of the first `dims` dimensions, each in [0, 1). */
  point(index: number, dims: number): Float64Array {
    if (dims > SOBOL_MAX_DIM)
      throw new InvalidArgumentError('dims', dims, `at most ${SOBOL_MAX_DIM} Sobol' dimensions`);
    if (!Number.isInteger(index) || index < 0 || index >= TWO_32) {
      throw new InvalidArgumentError('index', index, 'an integer in [0, 2^32)');
    }
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    const out = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      const v = this.directions(d);
      let x = this.shifts[d] as number;
      for (let j = 0, g = gray; g !== 0; j++, g >>>= 1) if ((g & 1) === 1) x ^= v[j] as number;
      out[d] = (x >>> 0) / TWO_32;
    }
    return out;
  }

  private directions(d: number): Uint32Array {
    for (let k = this.dirs.length; k <= d; k++) {
      const base = SOBOL_DIRECTIONS[k] as Uint32Array;
      const rng = this.rngFor?.(k) ?? null;
      this.dirs.push(rng === null ? base : scrambledDirections(base, rng));
      this.shifts.push(rng === null ? 0 : rng.nextUint32());
    }
    return this.dirs[d] as Uint32Array;
  }
}

import type { Rng } from '../../random/rng';

/** The first n primes (trial division; n is the number of dimensions, tens at most). */
function primes(n: number): number[] {
  const out: number[] = [];
  for (let c = 2; out.length < n; c++) if (out.every((p) => p * p > c || c % p !== 0)) out.push(c);
  return out;
}

/** Digits that reach double precision in base b (b^-digits < 2^-53). */
function digitsFor(base: number): number {
  return Math.ceil(53 / Math.log2(base)) + 1;
}

/**
 * Halton points: coordinate d of point i is the radical inverse of i in the d-th prime base. When
 * scrambled, each digit position of each dimension has its own random permutation of the digits
 * (including the trailing zeros), which breaks the strong correlations plain Halton has between
 * high dimensions. Point i is computed directly from i; dimensions are scrambled independently.
 */
export class HaltonEngine {
  private bases: number[] = [];
  /** perms[d][j * base + digit]: the scrambled digit at position j, or null unscrambled. */
  private readonly perms: (Uint16Array | null)[] = [];

  /** @param rngFor the stream for dimension d's permutations; null for the plain sequence */
  constructor(private readonly rngFor: ((dim: number) => Rng) | null) {}

  /** Point `index` of the first `dims` dimensions, each in [0, 1). */
  point(index: number, dims: number): Float64Array {
    if (this.bases.length < dims) this.bases = primes(dims);
    const out = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      const base = this.bases[d] as number;
      const perm = this.permsOf(d);
      let x = 0;
      let scale = 1 / base;
      if (perm === null) {
        for (let i = index; i > 0; i = Math.floor(i / base), scale /= base) x += (i % base) * scale;
      } else {
        let i = index;
        for (let j = 0, n = digitsFor(base); j < n; j++, scale /= base) {
          x += (perm[j * base + (i % base)] as number) * scale;
          i = Math.floor(i / base);
        }
      }
      // Rounding of the digit sum must not reach 1.
      out[d] = Math.min(x, 1 - Number.EPSILON / 2);
    }
    return out;
  }

  private permsOf(d: number): Uint16Array | null {
    for (let k = this.perms.length; k <= d; k++) {
      const rng = this.rngFor?.(k) ?? null;
      if (rng === null) {
        this.perms.push(null);
        continue;
      }
      const b = this.bases[k] as number;
      const n = digitsFor(b);
      const table = new Uint16Array(n * b);
      const ids = Array.from({ length: b }, (_, i) => i);
      for (let j = 0; j < n; j++) table.set(rng.shuffle(ids), j * b);
      this.perms.push(table);
    }
    return this.perms[d] ?? null;
  }
}

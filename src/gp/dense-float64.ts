/**
 * Dense float64 routines on row-major `Float64Array`s: the leaf blocks of the blocked Cholesky, and
 * the whole factorisation when float32 tensors are not good enough (or, on the pure-JS cpu backend,
 * not fast enough). Plain loops, no allocation in the inner loops.
 */

/**
 * In-place lower Cholesky of the n x n matrix `a` (only its lower triangle is read; the upper one is
 * zeroed). Returns -1 on success, or the index of the first pivot that was not positive and finite.
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j] as number;
    for (let k = 0; k < j; k++) d -= (a[rj + k] as number) ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return j;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j] as number;
      for (let k = 0; k < j; k++) s -= (a[ri + k] as number) * (a[rj + k] as number);
      a[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
  return -1;
}

/**
 * The inverse of a lower-triangular n x n matrix (lower-triangular too). Row i of the inverse is
 * -(1 / l_ii) * sum_k l_ik * row k of the inverse, accumulated row by row so every inner loop reads
 * memory in order.
 */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const acc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    acc.fill(0, 0, i);
    for (let k = 0; k < i; k++) {
      const lik = l[ri + k] as number;
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) acc[j] = (acc[j] as number) + lik * (inv[rk + j] as number);
    }
    const lii = l[ri + i] as number;
    for (let j = 0; j < i; j++) inv[ri + j] = -(acc[j] as number) / lii;
    inv[ri + i] = 1 / lii;
  }
  return inv;
}

/** `L^-T L^-1` = K^-1 from the inverse factor: a sum of outer products of its rows, symmetric. */
export function inverseFromLowerInverse(linv: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    // Row k of L^-1 is zero beyond column k.
    for (let i = 0; i <= k; i++) {
      const a = linv[rk + i] as number;
      if (a === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) out[ri + j] = (out[ri + j] as number) + a * (linv[rk + j] as number);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j] as number;
  return out;
}

/** Sum of log of the diagonal of a lower factor: half the log-determinant of L L^T. */
export function logDiagSum(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i] as number);
  return s;
}

/** Adds `value` to the diagonal of an n x n matrix, in place. */
export function addToDiagonal(a: Float64Array, n: number, value: number): void {
  for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) + value;
}

/** Mean of the diagonal, the scale that jitter is relative to. */
export function meanDiagonal(a: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i] as number;
  return s / n;
}

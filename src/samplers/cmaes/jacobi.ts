/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations, in plain Float64Array
 * (row-major n×n). CMA-ES needs it once per generation for matrices of a few dozen rows at most,
 * where Jacobi's O(n³) per sweep is cheap and its accuracy (small eigenvalues to full relative
 * precision) is what the covariance's conditioning checks rely on.
 */

export interface SymmetricEigen {
  /** Eigenvalues in ascending order (numpy's `eigh` order). */
  readonly values: Float64Array;
  /** Row-major n×n; column i is the unit eigenvector of `values[i]`. */
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/** Eigenvalues and eigenvectors of the symmetric `a` (n×n, row-major); `a` is left unchanged. */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += (m[i] as number) ** 2;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (m[p * n + q] as number) ** 2;
    // Converged once the off-diagonal mass is below the rounding level of the whole matrix.
    if (off <= 1e-32 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) rotate(m, v, n, p, q);
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i] as number;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const sortedValues = new Float64Array(n);
  const sortedVectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    sortedValues[to] = values[from] as number;
    for (let r = 0; r < n; r++) sortedVectors[r * n + to] = v[r * n + from] as number;
  });
  return { values: sortedValues, vectors: sortedVectors };
}

/** One rotation in the (p, q) plane that zeroes m[p][q]: m <- Pᵀ m P, v <- v P (Numerical Recipes' form). */
function rotate(m: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = m[p * n + q] as number;
  if (apq === 0) return;
  const app = m[p * n + p] as number;
  const aqq = m[q * n + q] as number;
  const theta = (aqq - app) / (2 * apq);
  // The smaller root of t² + 2θt - 1 = 0 keeps the rotation angle below π/4 (stable).
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = m[k * n + p] as number;
    const akq = m[k * n + q] as number;
    m[k * n + p] = c * akp - s * akq;
    m[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = m[p * n + k] as number;
    const aqk = m[q * n + k] as number;
    m[p * n + k] = c * apk - s * aqk;
    m[q * n + k] = s * apk + c * aqk;
  }
  // Exact zeros where the algebra says so, so round-off does not keep the sweep going.
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p] as number;
    const vkq = v[k * n + q] as number;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

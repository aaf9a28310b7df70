/**
 * TPE's default split size and observation weights, with Optuna's numbers
 * (`optuna/samplers/_tpe/sampler.py`).
 */

/** How many of `n` finished trials form the "good" group: 10 %, rounded up, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Several objectives (current Optuna, PR #6766): 10 %, rounded up, without the cap. */
export function defaultGammaMultiObjective(n: number): number {
  return Math.ceil(0.1 * n);
}

/** Hyperopt's split: ceil(sqrt(n) / 4), at most 25. */
export function hyperoptDefaultGamma(n: number): number {
  return Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);
}

/**
 * Weights of `n` observations, oldest first: 1 for the newest 25, and for older ones a linear ramp
 * from 1/n up to 1 (numpy's `linspace(1/n, 1, n - 25)`), so stale trials count less.
 */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const m = n - 25;
  const start = 1 / n;
  if (m === 1) {
    w[0] = start;
    return w;
  }
  // numpy's arithmetic, step first and the last point pinned, so the numbers match to the bit.
  const step = (1 - start) / (m - 1);
  for (let i = 0; i < m - 1; i++) w[i] = start + i * step;
  w[m - 1] = 1;
  return w;
}

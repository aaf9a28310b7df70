/**
 * Kernel parameters of the Parzen estimator, one function per kind of axis (Optuna's rules, from
 * `parzen_estimator.py`, current or 3.5's, see `ParzenRules`). Observations arrive in the
 * transformed space, oldest trial first.
 */
import type { ParzenRules } from './options';

const EPS = 1e-12;
/** Scott's-rule constant for multivariate bandwidths (BOHB; Optuna's SIGMA0_MAGNITUDE). */
const SIGMA0_MAGNITUDE = 0.2;

export interface KernelOptions {
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  readonly rules: ParzenRules;
}

export interface NumericalKernels {
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
}

/**
 * Gaussian kernels on an axis [low, high] (grid cells of width `step`, or 0 if continuous).
 * Bandwidths are the larger gap to the neighbouring observation (the widened end points among the
 * neighbours), in univariate and multivariate mode alike (current Optuna). With the 3.5 rules the
 * prior's mean joins the neighbours, and multivariate widths are one Scott's-rule width shared by
 * every kernel. Both are clipped to [range / min(100, 1 + kernels), range] by the magic
 * clip. With `prior`, a last kernel of width `range` sits at the centre.
 */
export function numericalKernels(
  obs: Float64Array,
  low: number,
  high: number,
  step: number,
  nDims: number,
  prior: boolean,
  opts: KernelOptions,
): NumericalKernels {
  const n = obs.length;
  const range = high - low + step;
  const k = n + (prior ? 1 : 0);
  const mus = new Float64Array(k);
  const sigmas = new Float64Array(k);
  mus.set(obs);
  const legacy = opts.rules === 'optuna-3.5';
  if (legacy && opts.multivariate) {
    sigmas.fill(SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (nDims + 4)) * range);
  } else {
    neighbourGapSigmas(obs, low, high, step, opts.considerEndpoints, legacy, sigmas);
  }
  const maxSigma = range;
  // Optuna counts the prior in the clip whenever consider_prior is on, even with no observations.
  const minSigma = opts.considerMagicClip ? range / Math.min(100, 1 + n + (opts.considerPrior ? 1 : 0)) : EPS;
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(maxSigma, Math.max(minSigma, sigmas[i] as number));
  if (prior) {
    mus[n] = 0.5 * (low + high);
    sigmas[n] = range;
  }
  return { mus, sigmas };
}

/**
 * Writes the neighbour-gap bandwidth of each observation into `out[0..n)`. With
 * `priorMeanAmongNeighbours` (Optuna 3.5) the prior's mean joins the sort, prior kernel or not.
 */
function neighbourGapSigmas(
  obs: Float64Array,
  low: number,
  high: number,
  step: number,
  considerEndpoints: boolean,
  priorMeanAmongNeighbours: boolean,
  out: Float64Array,
): void {
  const n = obs.length;
  const m = n + (priorMeanAmongNeighbours ? 1 : 0);
  const sorted = new Float64Array(m + 2);
  sorted.set(obs, 1);
  if (priorMeanAmongNeighbours) sorted[m] = 0.5 * (low + high);
  sorted.subarray(1, m + 1).sort();
  sorted[0] = low - step / 2;
  sorted[m + 1] = high + step / 2;
  // Rank of each observation in a sort whose ties keep index order (what a stable argsort gives):
  // the first index with its value, plus how many earlier equal observations took a slot there.
  // Optuna's numpy argsort is stable up to 16 items only (then quicksort, or a SIMD sort on some
  // CPUs): past that, equal values get the same set of widths as here, not always the same trial
  // each (seen with 18 repeated grid values), which no fixed order could match on every numpy.
  const taken = new Int32Array(m + 2);
  for (let i = 0; i < n; i++) {
    const x = obs[i] as number;
    let lo = 1;
    let hi = m + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    const pos = lo + (taken[lo] as number);
    taken[lo] = (taken[lo] as number) + 1;
    let s = Math.max(
      (sorted[pos] as number) - (sorted[pos - 1] as number),
      (sorted[pos + 1] as number) - (sorted[pos] as number),
    );
    // Without endpoints, the outermost kernels look only inward, never at the domain's edges.
    if (!considerEndpoints && m >= 2) {
      if (pos === 1) s = (sorted[2] as number) - (sorted[1] as number);
      else if (pos === m) s = (sorted[m] as number) - (sorted[m - 1] as number);
    }
    out[i] = s;
  }
}

/**
 * Categorical kernels: each observation puts weight 1 on its choice on top of `priorWeight / k`
 * spread over all choices (k kernels); the prior kernel is uniform. Rows normalised; flat
 * (kernel-major) array of k × nChoices probabilities.
 */
export function categoricalKernels(
  obs: Float64Array,
  nChoices: number,
  prior: boolean,
  priorWeight: number,
): Float64Array {
  const n = obs.length;
  const k = n + (prior ? 1 : 0);
  const probs = new Float64Array(k * nChoices);
  if (n === 0) return probs.fill(1 / nChoices);
  probs.fill(priorWeight / k);
  for (let i = 0; i < n; i++) {
    const at = i * nChoices + (obs[i] as number);
    probs[at] = (probs[at] as number) + 1;
  }
  for (let i = 0; i < k; i++) {
    let sum = 0;
    for (let c = 0; c < nChoices; c++) sum += probs[i * nChoices + c] as number;
    if (sum > 0) for (let c = 0; c < nChoices; c++) probs[i * nChoices + c] = (probs[i * nChoices + c] as number) / sum;
  }
  return probs;
}

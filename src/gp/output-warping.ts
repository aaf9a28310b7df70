import { standardize, type Standardized } from './posterior';

/** The range searched for the Yeo-Johnson exponent (sklearn's and HEBO's fits land well inside it). */
const LAMBDA_RANGE: readonly [number, number] = [-3, 5];
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The Yeo-Johnson power transform (Yeo & Johnson 2000) of one value: log-like or power-like
 * compression of one tail, chosen by lambda (lambda = 1 is the identity). Strictly increasing in y
 * for every lambda, so it keeps the order of the observations (the incumbent stays the incumbent).
 */
export function yeoJohnson(y: number, lambda: number): number {
  if (y >= 0) return Math.abs(lambda) < 1e-9 ? Math.log1p(y) : (Math.pow(1 + y, lambda) - 1) / lambda;
  const mu = 2 - lambda;
  return Math.abs(mu) < 1e-9 ? -Math.log1p(-y) : -(Math.pow(1 - y, mu) - 1) / mu;
}

/**
 * The profile log likelihood of lambda when the transformed values are taken to be i.i.d. normal:
 * -n/2 log var(psi(y)) + (lambda - 1) sum sign(y) log(1 + |y|) (the second term is the log Jacobian).
 */
function profileLogLikelihood(y: ArrayLike<number>, lambda: number): number {
  const n = y.length;
  let mean = 0;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) mean += t[i] = yeoJohnson(y[i] as number, lambda);
  mean /= n;
  let ss = 0;
  let jacobian = 0;
  for (let i = 0; i < n; i++) {
    ss += ((t[i] as number) - mean) ** 2;
    const v = y[i] as number;
    jacobian += Math.sign(v) * Math.log1p(Math.abs(v));
  }
  const variance = ss / n;
  if (!(variance > 0) || !Number.isFinite(variance)) return -Infinity;
  return -0.5 * n * Math.log(variance) + (lambda - 1) * jacobian;
}

/** The maximum-likelihood Yeo-Johnson exponent for `y`, by golden-section search (the profile is unimodal in practice). */
export function fitYeoJohnson(y: ArrayLike<number>): number {
  let [a, b] = LAMBDA_RANGE;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = profileLogLikelihood(y, c);
  let fd = profileLogLikelihood(y, d);
  for (let i = 0; i < 60 && b - a > 1e-4; i++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = profileLogLikelihood(y, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = profileLogLikelihood(y, d);
    }
  }
  const lambda = (a + b) / 2;
  // Keep the identity unless the transform is clearly more likely (no warping of Gaussian-looking data).
  return profileLogLikelihood(y, lambda) > profileLogLikelihood(y, 1) + 1e-9 ? lambda : 1;
}

export interface WarpedOutputs extends Standardized {
  /** The fitted Yeo-Johnson exponent (1: no warping). */
  readonly lambda: number;
}

/**
 * The outputs the GP is fitted to: standardised, warped by the maximum-likelihood Yeo-Johnson power
 * transform, standardised again (HEBO's output transform). Heavy-tailed objectives (a few points
 * orders of magnitude worse than the rest, as far from an optimum of a polynomial) otherwise
 * squeeze every interesting value into a sliver near the top of the standardised range, where a
 * stationary GP sees them as noise around a constant; the transform spreads them out again and keeps
 * their order. `mean` and `std` are those of the final standardisation (in warped units).
 */
export function warpOutputs(values: ArrayLike<number>): WarpedOutputs {
  const first = standardize(values);
  const lambda = values.length < 3 ? 1 : fitYeoJohnson(first.values);
  if (lambda === 1) return { ...first, lambda };
  const warped = standardize(Array.from(first.values, (v) => yeoJohnson(v, lambda)));
  return { ...warped, lambda };
}

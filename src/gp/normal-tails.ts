/**
 * The standard normal's log-tails in float64, for the acquisition functions: log h(z) with
 * h(z) = phi(z) + z Phi(z) = E[max(0, N(0, 1) + z)] (expected improvement at unit scale), log Phi(z),
 * and their derivatives. float32 tensor formulas lose every digit once z < -5 or so (phi(z) - |z|
 * Phi(z) cancels, and tfjs's erf carries an absolute error near 1e-7); a continued fraction in that
 * tail costs ~150 tensor ops per evaluation and their gradients (30 ms per step on wasm), while this
 * is a few microseconds per point.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below -TAIL the tail forms are used (the continued fraction converges fast there). */
const TAIL = 3;
const CF_DEPTH = 40;

/**
 * c(t) = 1 / (t + 2 / (t + 3 / (t + ...))) for t >= 3: the Mills ratio Phi(-t) / phi(t) is
 * 1 / (t + c(t)) (Laplace's continued fraction) and 1 - t R(t) = c / (t + c).
 */
function millsTail(t: number): number {
  let d = t;
  for (let k = CF_DEPTH; k >= 2; k--) d = t + k / d;
  return 1 / d;
}

/** erf(x) for |x| <= 2.2 by its Taylor series (terms peak near 20, so ~1e-14 absolute). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= -x2 / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function pdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/** Phi(z) with small relative error in the lower tail. */
export function normalCdf(z: number): number {
  if (z < -TAIL) return pdf(z) / (-z + millsTail(-z));
  if (z > TAIL) return 1 - pdf(z) / (z + millsTail(z));
  return 0.5 + 0.5 * erfSeries(z * Math.SQRT1_2);
}

/** log h(z) and its derivative Phi(z) / h(z). */
export function logH(z: number): { value: number; derivative: number } {
  if (Number.isNaN(z)) return { value: NaN, derivative: NaN };
  if (z < -TAIL) {
    const t = -z;
    const c = millsTail(t);
    return { value: -0.5 * t * t - HALF_LOG_2PI + Math.log(c) - Math.log(t + c), derivative: 1 / c };
  }
  const cdf = normalCdf(z);
  const h = z * cdf + pdf(z);
  return { value: Math.log(h), derivative: cdf / h };
}

/** log Phi(z) and its derivative phi(z) / Phi(z). */
export function logNormalCdf(z: number): { value: number; derivative: number } {
  if (Number.isNaN(z)) return { value: NaN, derivative: NaN };
  if (z < -TAIL) {
    const t = -z;
    const s = t + millsTail(t);
    return { value: -0.5 * t * t - HALF_LOG_2PI - Math.log(s), derivative: s };
  }
  const cdf = normalCdf(z);
  return { value: Math.log(cdf), derivative: pdf(z) / cdf };
}

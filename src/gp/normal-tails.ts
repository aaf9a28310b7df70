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

/**
 * The standard normal quantile Phi^-1(p) for 0 < p < 1 (Acklam's rational approximation, ~1e-9
 * relative, then one Halley step against {@link normalCdf}): maps quasi-random uniforms to the
 * fixed normal samples LogEHVI averages over.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const tail = (q: number): number => horner(ACKLAM_C, q) / (horner(ACKLAM_D, q) * q + 1);
  let x: number;
  if (p < ACKLAM_LOW) x = tail(Math.sqrt(-2 * Math.log(p)));
  else if (p > 1 - ACKLAM_LOW) x = -tail(Math.sqrt(-2 * Math.log(1 - p)));
  else {
    const q = p - 0.5;
    const r = q * q;
    x = (horner(ACKLAM_A, r) * q) / (horner(ACKLAM_B, r) * r + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

const ACKLAM_LOW = 0.02425;
const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** c[0] x^(k-1) + ... + c[k-1]. */
function horner(c: readonly number[], x: number): number {
  let v = 0;
  for (const a of c) v = v * x + a;
  return v;
}

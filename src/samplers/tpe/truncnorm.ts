/**
 * The standard normal's tails in log space, and the truncated normal built on them: what TPE's
 * Parzen estimator needs. JavaScript has no `erf`, so `erfc` is W. J. Cody's rational
 * approximation (ACM TOMS 715, CALERF), accurate to about 1e-16. Everything that could underflow
 * (a kernel whose truncation interval lies 40 standard deviations out) is computed as a logarithm.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;
const LN_HALF = Math.log(0.5);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

// Cody's coefficients: |x| <= 0.46875, 0.46875 < |x| <= 4, |x| > 4.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

/** R(y) with erfc(y) = exp(-y^2) R(y), for y > 0.46875 (Cody's second and third intervals). */
function tailRatio(y: number): number {
  if (y <= 4) {
    let num = (C[8] as number) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (C[i] as number)) * y;
      den = (den + (D[i] as number)) * y;
    }
    return (num + (C[7] as number)) / (den + (D[7] as number));
  }
  const z = 1 / (y * y);
  let num = (P[5] as number) * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + (P[i] as number)) * z;
    den = (den + (Q[i] as number)) * z;
  }
  return (INV_SQRT_PI - (z * (num + (P[4] as number))) / (den + (Q[4] as number))) / y;
}

/**
 * erfc(y) for y > 0.46875. exp(-y^2) is split as Cody does (y rounded down to a multiple of 1/16,
 * whose square is exact) so the large exponent loses no digits.
 */
function erfcTail(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  return Math.exp(-ysq * ysq) * Math.exp(-(y - ysq) * (y + ysq)) * tailRatio(y);
}

/** log(erfc(y)) for y > 0.46875, without underflow however large y is. */
function logErfcTail(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  return -ysq * ysq - (y - ysq) * (y + ysq) + Math.log(tailRatio(y));
}

/** erf(x) for |x| <= 0.46875. */
function erfSmall(x: number): number {
  const z = x * x;
  let num = (A[4] as number) * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + (A[i] as number)) * z;
    den = (den + (B[i] as number)) * z;
  }
  return (x * (num + (A[3] as number))) / (den + (B[3] as number));
}

/** The complementary error function. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const tail = erfcTail(y);
  return x > 0 ? tail : 2 - tail;
}

/** Φ(z), the standard normal CDF. */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** log Φ(z), accurate far into both tails. */
export function logNdtr(z: number): number {
  const y = -z * SQRT1_2;
  if (y > 0.46875) return LN_HALF + logErfcTail(y);
  if (y >= -0.46875) return Math.log(0.5 * (1 + erfSmall(-y)));
  // Right tail: Φ(z) = 1 - Φ(-z) with Φ(-z) small; log1p keeps its digits.
  return Math.log1p(-0.5 * erfcTail(-y));
}

/** log(exp(p) - exp(q)) for p >= q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/**
 * log(Φ(b) - Φ(a)) for a <= b: the log mass of the standard normal on [a, b]. Worked in the left
 * tail, where log Φ is accurate, by symmetry.
 */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Straddling 0: 1 - Φ(a) - Φ(-b) cancels nothing, as both terms are below one half. A tail
  // beyond 9 sigma (< 1e-19) cannot change the sum, so its erfc is skipped: the common case for
  // a narrow kernel well inside its range.
  return Math.log1p(-(a < -9 ? 0 : ndtr(a)) - (b > 9 ? 0 : ndtr(-b)));
}

/** log(exp(p) + exp(q)). */
function logAddExp(p: number, q: number): number {
  const m = Math.max(p, q);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/** log φ(z) - log Φ(z): the slope of log Φ, as Newton's method needs it. */
function logNdtrSlope(z: number, logPhi: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logPhi);
}

/**
 * The z with log Φ(z) = y (y <= 0): a rational first guess (Abramowitz & Stegun 26.2.23, error
 * below 5e-4) polished by Newton steps on log Φ, which stay accurate in both tails.
 */
export function ndtriExp(y: number): number {
  if (y >= 0) return Infinity;
  if (y === -Infinity) return -Infinity;
  const guess = (t: number): number =>
    t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  let z = y <= LN_HALF ? -guess(Math.sqrt(-2 * y)) : guess(Math.sqrt(-2 * Math.log(-Math.expm1(y))));
  for (let i = 0; i < 8; i++) {
    const lp = logNdtr(z);
    const step = (lp - y) / logNdtrSlope(z, lp);
    z -= step;
    if (Math.abs(step) <= 1e-14 * (1 + Math.abs(z))) break;
  }
  return z;
}

/**
 * The q-quantile (0 <= q < 1) of the standard normal truncated to [a, b], by inverting the CDF on
 * the side where Φ has its digits: the left tail when a < 0, the mirrored one otherwise.
 */
export function truncnormPpf(q: number, a: number, b: number): number {
  const logMass = logGaussMass(a, b);
  let z: number;
  if (a < 0) {
    z = ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass));
  } else {
    z = -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
  }
  // Rounding in the last Newton step may leave z a hair outside [a, b].
  return Math.min(b, Math.max(a, z));
}

/** log of the density at z of the standard normal truncated to [a, b], given its log mass. */
export function truncnormLogPdf(z: number, a: number, b: number, logMass: number): number {
  if (z < a || z > b) return -Infinity;
  return -0.5 * z * z - LOG_SQRT_2PI - logMass;
}

export { LOG_SQRT_2PI };

import type { Rng } from '../../random/rng';
import { symmetricEigen } from './jacobi';

/** A point told to CMA-ES with its loss (lower is better; the sampler flips maximised objectives). */
export interface Solution {
  readonly x: Float64Array;
  readonly y: number;
}

const EPS = 1e-8;
const SIGMA_MAX = 1e32;

/**
 * The CMA-ES of Hansen's tutorial (arXiv:1604.00772), with the weights, learning rates and
 * stopping rules of the `cmaes` library Optuna uses (eq. numbers are the tutorial's), on the box
 * [0, 1]^n the sampler normalises every space to. Plain Float64Array, row-major matrices.
 *
 * The state (mean, sigma, C, the two paths, generation, recent loss range) changes only in
 * {@link Cma.tell}; {@link Cma.ask} reads it, so a cached optimizer can serve any number of asks
 * and still replay exactly.
 */
export class Cma {
  readonly dim: number;
  readonly popsize: number;
  mean: Float64Array;
  sigma: number;
  /** Covariance, n×n. */
  c: Float64Array;
  pSigma: Float64Array;
  pc: Float64Array;
  generation = 0;

  private readonly mu: number;
  private readonly muEff: number;
  private readonly weights: Float64Array;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly cSigma: number;
  private readonly dSigma: number;
  private readonly cc: number;
  private readonly chiN: number;
  private readonly nMaxResampling: number;
  private readonly tolx: number;
  private readonly funhistTerm: number;
  private readonly funhist: Float64Array;
  /** C = B diag(D²) Bᵀ, computed lazily once per generation. */
  private eigen: { b: Float64Array; d: Float64Array } | null = null;

  constructor(mean: Float64Array, sigma: number, popsize: number | null, nMaxResampling: number) {
    const n = mean.length;
    const lambda = popsize ?? 4 + Math.floor(3 * Math.log(n)); // eq. 48
    const mu = Math.floor(lambda / 2);
    const wPrime = Float64Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1)); // eq. 49
    const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);
    const sumSq = (a: Float64Array): number => a.reduce((s, v) => s + v * v, 0);
    const muEff = sum(wPrime.subarray(0, mu)) ** 2 / sumSq(wPrime.subarray(0, mu));
    const muEffMinus = sum(wPrime.subarray(mu)) ** 2 / sumSq(wPrime.subarray(mu));
    const alphaCov = 2;
    const c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
    // 1e-8: keeps c1 + cmu below 1 for very large populations.
    const cmu = Math.min(1 - c1 - 1e-8, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2));
    const minAlpha = Math.min(1 + c1 / cmu, 1 + (2 * muEffMinus) / (muEff + 2), (1 - c1 - cmu) / (n * cmu)); // eqs. 50-52
    let positive = 0;
    let negative = 0;
    for (const w of wPrime) {
      if (w > 0) positive += w;
      else negative += Math.abs(w);
    }
    // eq. 53: positive weights sum to 1, negative ones to -minAlpha.
    this.weights = wPrime.map((w) => (w >= 0 ? w / positive : (minAlpha / negative) * w));
    this.cSigma = (muEff + 2) / (n + muEff + 5); // eq. 55
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + this.cSigma;
    this.cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n); // eq. 56
    this.dim = n;
    this.popsize = lambda;
    this.mu = mu;
    this.muEff = muEff;
    this.c1 = c1;
    this.cmu = cmu;
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)); // E||N(0, I)||
    this.mean = Float64Array.from(mean);
    this.sigma = sigma;
    this.c = new Float64Array(n * n);
    for (let i = 0; i < n; i++) this.c[i * n + i] = 1;
    this.pSigma = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.nMaxResampling = nMaxResampling;
    this.tolx = 1e-12 * sigma;
    this.funhistTerm = 10 + Math.ceil((30 * n) / lambda);
    this.funhist = new Float64Array(2 * this.funhistTerm);
  }

  /** B (columns: axes of C) and D (their standard deviations); also re-symmetrises C from them. */
  eigenDecomposition(): { b: Float64Array; d: Float64Array } {
    if (this.eigen !== null) return this.eigen;
    const n = this.dim;
    const c = this.c;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const s = ((c[i * n + j] as number) + (c[j * n + i] as number)) / 2;
        c[i * n + j] = s;
        c[j * n + i] = s;
      }
    }
    const { values, vectors: b } = symmetricEigen(c, n);
    // Round-off can make a tiny eigenvalue negative; the library floors it at EPS, as here.
    const d = values.map((v) => Math.sqrt(v < 0 ? EPS : v));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (d[k] as number) ** 2 * (b[j * n + k] as number);
        c[i * n + j] = s;
      }
    }
    this.eigen = { b, d };
    return this.eigen;
  }

  /** m + σ B D z with z ~ N(0, I). */
  sampleSolution(rng: Rng): Float64Array {
    const { b, d } = this.eigenDecomposition();
    const n = this.dim;
    const z = Float64Array.from({ length: n }, () => rng.normal());
    const x = Float64Array.from(this.mean);
    for (let i = 0; i < n; i++) {
      let y = 0;
      for (let k = 0; k < n; k++) y += (b[i * n + k] as number) * (d[k] as number) * (z[k] as number);
      x[i] = (x[i] as number) + this.sigma * y;
    }
    return x;
  }

  /** A point inside [0, 1]^n: resampled up to `nMaxResampling` times, then clipped (the library's repair). */
  ask(rng: Rng): Float64Array {
    for (let i = 0; i < this.nMaxResampling; i++) {
      const x = this.sampleSolution(rng);
      if (x.every((v) => v >= 0 && v <= 1)) return x;
    }
    return this.sampleSolution(rng).map((v) => Math.min(1, Math.max(0, v)));
  }

  /** One generation's update from exactly `popsize` solutions. */
  tell(solutions: readonly Solution[]): void {
    const n = this.dim;
    this.generation++;
    // Stable sort: equal losses keep trial order, as Python's sort does.
    const sorted = solutions.slice().sort((a, b) => a.y - b.y);
    const slot = 2 * (this.generation % this.funhistTerm);
    this.funhist[slot] = (sorted[0] as Solution).y;
    this.funhist[slot + 1] = (sorted[sorted.length - 1] as Solution).y;

    const { b, d } = this.eigenDecomposition();
    this.eigen = null;
    const ys = sorted.map((s) => s.x.map((v, i) => (v - (this.mean[i] as number)) / this.sigma));
    const yw = new Float64Array(n); // eq. 41
    for (let k = 0; k < this.mu; k++) {
      const w = this.weights[k] as number;
      (ys[k] as Float64Array).forEach((v, i) => (yw[i] = (yw[i] as number) + w * v));
    }
    for (let i = 0; i < n; i++) this.mean[i] = (this.mean[i] as number) + this.sigma * (yw[i] as number); // cm = 1

    // C^(-1/2) = B D^(-1) Bᵀ
    const invSqrtC = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += ((b[i * n + k] as number) * (b[j * n + k] as number)) / (d[k] as number);
        invSqrtC[i * n + j] = s;
      }
    }
    const whiten = (y: Float64Array): Float64Array =>
      Float64Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let j = 0; j < n; j++) s += (invSqrtC[i * n + j] as number) * (y[j] as number);
        return s;
      });

    // Step-size control.
    const kSigma = Math.sqrt(this.cSigma * (2 - this.cSigma) * this.muEff);
    const wyw = whiten(yw);
    this.pSigma = this.pSigma.map((p, i) => (1 - this.cSigma) * p + kSigma * (wyw[i] as number));
    const normPSigma = Math.hypot(...this.pSigma);
    this.sigma *= Math.exp((this.cSigma / this.dSigma) * (normPSigma / this.chiN - 1));
    this.sigma = Math.min(this.sigma, SIGMA_MAX);

    // Covariance adaptation; h_sigma stalls the rank-one path while the step size is still growing.
    const hLeft = normPSigma / Math.sqrt(1 - (1 - this.cSigma) ** (2 * (this.generation + 1)));
    const hSigma = hLeft < (1.4 + 2 / (n + 1)) * this.chiN ? 1 : 0;
    const kc = hSigma * Math.sqrt(this.cc * (2 - this.cc) * this.muEff);
    this.pc = this.pc.map((p, i) => (1 - this.cc) * p + kc * (yw[i] as number)); // eq. 45
    // eq. 46: negative weights are rescaled by the Mahalanobis length of their step.
    const wio = ys.map((y, k) => {
      const w = this.weights[k] as number;
      if (w >= 0) return w;
      const norm2 = whiten(y).reduce((s, v) => s + v * v, 0);
      return (w * n) / (norm2 + EPS);
    });
    const deltaH = (1 - hSigma) * this.cc * (2 - this.cc);
    const wSum = this.weights.reduce((s, w) => s + w, 0);
    const keep = 1 + this.c1 * deltaH - this.c1 - this.cmu * wSum;
    const c = this.c;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rankMu = 0;
        for (let k = 0; k < ys.length; k++) {
          const y = ys[k] as Float64Array;
          rankMu += (wio[k] as number) * (y[i] as number) * (y[j] as number);
        }
        c[i * n + j] =
          keep * (c[i * n + j] as number) +
          this.c1 * (this.pc[i] as number) * (this.pc[j] as number) +
          this.cmu * rankMu; // eq. 47
      }
    }
  }

  /** The library's stopping rules: flat losses, tiny or diverging steps, no effect, ill-conditioned C. */
  shouldStop(): boolean {
    const n = this.dim;
    const { b, d } = this.eigenDecomposition();
    const diag = Float64Array.from({ length: n }, (_, i) => this.c[i * n + i] as number);
    if (this.generation > this.funhistTerm) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of this.funhist) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (hi - lo < 1e-12) return true;
    }
    if (diag.every((v) => this.sigma * v < this.tolx) && this.pc.every((v) => this.sigma * v < this.tolx)) return true;
    const dMax = Math.max(...d);
    if (this.sigma * dMax > 1e4) return true;
    const mean = this.mean;
    if (diag.some((v, i) => (mean[i] as number) === (mean[i] as number) + 0.2 * this.sigma * Math.sqrt(v))) return true;
    // One principal axis per generation, in turn (as pycma does).
    const axis = this.generation % n;
    const step = 0.1 * this.sigma * (d[axis] as number);
    if (mean.every((m, i) => m === m + step * (b[i * n + axis] as number))) return true;
    return dMax / Math.min(...d) > 1e14;
  }
}

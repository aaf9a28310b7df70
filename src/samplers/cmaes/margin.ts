import type { Rng } from '../../random/rng';
import { ndtr, ndtriExp } from '../tpe/truncnorm';
import type { Cma, Solution } from './cma';

/** Φ⁻¹(1 - p) for 0 < p <= 0.5, i.e. sqrt of the chi-squared (1 dof) quantile at 1 - 2p. */
const upperQuantile = (p: number): number => -ndtriExp(Math.log(p));

/** Index of the first limit >= v (numpy's `searchsorted`, side 'left'). */
function searchSorted(limits: Float64Array, v: number): number {
  let i = 0;
  while (i < limits.length && (limits[i] as number) < v) i++;
  return i;
}

/**
 * CMA-ES with Margin (Hamano et al., GECCO 2022; the `cmaes` library's CMAwM): for discrete axes
 * (ints and stepped floats, on their grid in [0, 1]) the search keeps at least a `margin`
 * probability of leaving the current grid cell, by a per-axis scaling `A` and a shift of the mean,
 * so the distribution cannot collapse onto one integer and stall. Continuous axes are plain CMA-ES.
 */
export class CmaWithMargin {
  readonly cma: Cma;
  private readonly discrete: number[];
  private readonly continuous: number[];
  /** Per discrete axis: the grid points, and the cell limits between them. */
  private readonly zSpace: Float64Array[];
  private readonly zLim: Float64Array[];
  private readonly margin: number;
  /** Per axis scaling of discrete steps (1 on continuous axes). */
  readonly a: Float64Array;

  /** `steps[i]` is the grid spacing of axis i in [0, 1], 0 for continuous axes. */
  constructor(cma: Cma, steps: readonly number[]) {
    this.cma = cma;
    this.discrete = [];
    this.continuous = [];
    steps.forEach((s, i) => (s > 0 ? this.discrete : this.continuous).push(i));
    this.zSpace = this.discrete.map((i) => {
      const s = steps[i] as number;
      const count = Math.floor((1 + s / 2) / s - 1e-12) + 1; // np.arange(0, 1 + s/2, s)
      return Float64Array.from({ length: count }, (_, k) => k * s);
    });
    this.zLim = this.zSpace.map((z) =>
      Float64Array.from({ length: z.length - 1 }, (_, k) => ((z[k + 1] as number) + (z[k] as number)) / 2),
    );
    this.margin = 1 / (cma.dim * cma.popsize);
    this.a = new Float64Array(cma.dim).fill(1);
  }

  get generation(): number {
    return this.cma.generation;
  }

  /** `x` to evaluate (discrete axes snapped to their grid) and `raw`, the Gaussian draw to tell. */
  ask(rng: Rng): { x: Float64Array; raw: Float64Array } {
    const inBox = (x: Float64Array): boolean =>
      this.continuous.every((i) => (x[i] as number) >= 0 && (x[i] as number) <= 1);
    let raw: Float64Array | null = null;
    for (let i = 0; i < 10 * this.cma.dim && raw === null; i++) {
      const x = this.cma.sampleSolution(rng);
      if (inBox(x)) raw = x;
    }
    if (raw === null) {
      raw = this.cma.sampleSolution(rng);
      for (const i of this.continuous) raw[i] = Math.min(1, Math.max(0, raw[i] as number));
    }
    const x = Float64Array.from(raw);
    const mean = this.cma.mean;
    this.discrete.forEach((i, j) => {
      const m = mean[i] as number;
      const scaled = ((raw[i] as number) - m) * (this.a[i] as number) + m;
      x[i] = (this.zSpace[j] as Float64Array)[searchSorted(this.zLim[j] as Float64Array, scaled)] as number;
    });
    return { x, raw };
  }

  tell(solutions: readonly Solution[]): void {
    this.cma.tell(solutions);
    const { mean, sigma, c } = this.cma;
    const n = this.cma.dim;
    const half = this.margin / 2;
    this.discrete.forEach((i, j) => {
      const lim = this.zLim[j] as Float64Array;
      const m = mean[i] as number;
      const pos = searchSorted(lim, m);
      const low = lim[Math.min(lim.length - 1, Math.max(0, pos - 1))] as number;
      const up = lim[Math.min(lim.length - 1, Math.max(0, pos))] as number;
      const sdC = Math.sqrt(c[i * n + i] as number);
      const scale = sigma * (this.a[i] as number) * sdC;
      let lowCdf = ndtr((low - m) / scale);
      let upCdf = 1 - ndtr((up - m) / scale);
      const midCdf = 1 - (lowCdf + upCdf);
      if (Math.max(lowCdf, upCdf) > 0.5) {
        // The mean sits in an end cell: move it back until the far side keeps `margin` probability.
        if (Math.min(lowCdf, upCdf) < this.margin) {
          const sign = Math.sign(m - up);
          mean[i] = up + sign * sigma * (this.a[i] as number) * upperQuantile(this.margin) * sdC;
        }
        return;
      }
      lowCdf = Math.max(lowCdf, half);
      upCdf = Math.max(upCdf, half);
      const excess = 1 - lowCdf - upCdf - midCdf;
      const denom = lowCdf + midCdf + upCdf - 3 * half;
      const clip = (p: number): number => Math.min(0.5 - 1e-10, Math.max(1e-10, p));
      const pLow = clip(lowCdf + (excess * (lowCdf - half)) / denom);
      const pUp = clip(upCdf + (excess * (upCdf - half)) / denom);
      const chiLow = upperQuantile(pLow);
      const chiUp = upperQuantile(pUp);
      // Solve for A and the mean so that each side of the cell keeps its corrected probability.
      this.a[i] = (up - low) / ((chiLow + chiUp) * sigma * sdC);
      mean[i] = (low * chiUp + up * chiLow) / (chiLow + chiUp);
    });
  }

  shouldStop(): boolean {
    return this.cma.shouldStop();
  }
}

/**
 * BOHB's kernel density estimator (Falkner et al. 2018, as HpBandSter fits it with statsmodels'
 * KDEMultivariate): a product kernel over the unit cube, Gaussian on numerical axes and
 * Aitchison–Aitken on categorical ones, with normal-reference ("Scott") bandwidths per axis.
 * Plain Float64Array math, as the TPE sampler's.
 */
import type { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import { fromModelSpace, parzenDim, toModelSpace } from '../tpe/transform';
import { truncnormPpf } from '../tpe/truncnorm';

/** One axis: numerical values live in [0, 1]; categorical ones are choice indices. */
export type KDEAxis = { readonly kind: 'numerical' } | { readonly kind: 'categorical'; readonly nChoices: number };

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The axis a distribution becomes. */
export function kdeAxis(dist: Distribution): KDEAxis {
  return dist.type === 'categorical' ? { kind: 'categorical', nChoices: dist.choices.length } : { kind: 'numerical' };
}

/**
 * A stored value in the unit cube: log axes in log space, grid and int axes widened by half a step
 * at each end, so every grid point owns an equal cell (the TPE transform, then scaled to [0, 1]).
 */
export function toUnit(recordedWith: Distribution, value: ParamValue): number {
  const x = toModelSpace(recordedWith, value);
  const dim = parzenDim(recordedWith);
  if (dim.kind === 'categorical') return x;
  return (x - (dim.low - dim.step / 2)) / (dim.high - dim.low + dim.step);
}

/** A point of the unit cube back to a legal value of `dist` (rounded to its grid, clipped). */
export function fromUnit(dist: Distribution, u: number): ParamValue {
  const dim = parzenDim(dist);
  if (dim.kind === 'categorical') return fromModelSpace(dist, u);
  return fromModelSpace(dist, dim.low - dim.step / 2 + u * (dim.high - dim.low + dim.step));
}

export class BOHBKDE {
  readonly n: number;
  /** Per axis: the Gaussian's sd, or the Aitchison–Aitken lambda (probability of another choice). */
  readonly bandwidths: Float64Array;

  /**
   * @param data one array per axis, all of length n >= 1
   * @param magicClip also floor bandwidths at 1 / min(100, n + 1) (TPE's "magic clip"): with the
   *   handful of good points BOHB starts from, HpBandSter's normal-reference widths shrink onto the
   *   incumbent and the search stalls there (on a 2-D bowl, some seeds put none of 30 proposals within
   *   0.15 of the optimum; with the clip, 12 to 22 of 30)
   */
  constructor(
    private readonly data: readonly Float64Array[],
    private readonly axes: readonly KDEAxis[],
    private readonly minBandwidth: number,
    magicClip = false,
  ) {
    this.n = data[0]?.length ?? 0;
    const d = axes.length;
    this.bandwidths = Float64Array.from(axes, (axis, j) => {
      // statsmodels' normal_reference, applied to category codes too (as HpBandSter does), then
      // floored at minBandwidth; lambda stays below (c - 1) / c so the datum's own choice leads.
      const bw = 1.06 * std(data[j] as Float64Array) * this.n ** (-1 / (4 + d));
      const floored = Math.max(bw, minBandwidth, magicClip ? 1 / Math.min(100, this.n + 1) : 0);
      return axis.kind === 'categorical' ? Math.min(floored, (axis.nChoices - 1) / axis.nChoices) : floored;
    });
  }

  /** log of the density (numerical axes) times mass (categorical axes) at `point`. */
  logPdf(point: ArrayLike<number>): number {
    let max = -Infinity;
    const terms = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let sum = 0;
      for (let j = 0; j < this.axes.length; j++) {
        const axis = this.axes[j] as KDEAxis;
        const bw = this.bandwidths[j] as number;
        const xi = (this.data[j] as Float64Array)[i] as number;
        const x = point[j] as number;
        if (axis.kind === 'categorical') sum += Math.log(x === xi ? 1 - bw : bw / (axis.nChoices - 1));
        else {
          const z = (x - xi) / bw;
          sum += -0.5 * z * z - Math.log(bw) - LOG_SQRT_2PI;
        }
      }
      terms[i] = sum;
      if (sum > max) max = sum;
    }
    if (max === -Infinity) return -Infinity;
    let acc = 0;
    for (let i = 0; i < this.n; i++) acc += Math.exp((terms[i] as number) - max);
    return max + Math.log(acc / this.n);
  }

  /**
   * HpBandSter's draw: a random datum, then per axis a truncated normal on [0, 1] around it with the
   * bandwidth widened by `bandwidthFactor` (exploration), or on a categorical axis the datum's choice
   * with probability 1 - lambda and a uniform one otherwise.
   */
  sample(rng: Rng, bandwidthFactor: number): Float64Array {
    const i = Math.min(this.n - 1, Math.floor(rng.next() * this.n));
    return Float64Array.from(this.axes, (axis, j) => {
      const m = (this.data[j] as Float64Array)[i] as number;
      const bw = this.bandwidths[j] as number;
      if (axis.kind === 'categorical') return rng.next() < 1 - bw ? m : Math.floor(rng.next() * axis.nChoices);
      const s = Math.max(bw, this.minBandwidth) * bandwidthFactor;
      const u = m + s * truncnormPpf(rng.next(), -m / s, (1 - m) / s);
      return Math.min(1, Math.max(0, u));
    });
  }
}

/** Population standard deviation (numpy's default ddof = 0). */
function std(xs: Float64Array): number {
  if (xs.length === 0) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return Math.sqrt(ss / xs.length);
}

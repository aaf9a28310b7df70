import { InvalidArgumentError } from '../../errors';
import type { Rng } from '../../random/rng';
import { categoricalKernels, numericalKernels, type KernelOptions } from './kernels';
import type { ParzenDim } from './transform';
import { LOG_SQRT_2PI, logGaussMass, truncnormPpf } from './truncnorm';

export interface ParzenOptions extends KernelOptions {
  /** Weights of the observations, oldest first, for n observations. */
  readonly weights: (n: number) => ArrayLike<number>;
}

/** Per-axis kernel data, laid out for the hot loops. */
type Axis =
  | {
      readonly kind: 'categorical';
      readonly nChoices: number;
      readonly logProbs: Float64Array;
      readonly probs: Float64Array;
    }
  | {
      readonly kind: 'numerical';
      readonly low: number;
      readonly high: number;
      readonly step: number;
      /** Score by the mass of the log cell [log(v - 1/2), log(v + 1/2)] (current rules, log ints). */
      readonly logCells: boolean;
      readonly mus: Float64Array;
      readonly sigmas: Float64Array;
      /** log of each kernel's mass on [low - step/2, high + step/2]. */
      readonly logMass: Float64Array;
      /** 1 / sigma, and the log-density constant -log(sigma sqrt(2 pi)) - logMass, per kernel. */
      readonly inv: Float64Array;
      readonly offset: Float64Array;
    };

/**
 * A mixture of product kernels over the transformed space: one component per observation (plus
 * the prior), truncated Gaussians on numerical axes and smoothed one-hot distributions on
 * categorical ones (Optuna's `_ParzenEstimator` with `_MixtureOfProductDistribution`).
 */
export class ParzenEstimator {
  readonly nComponents: number;
  private readonly logWeights: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly axes: Axis[];

  /**
   * @param observations one array per axis, of equal length, oldest trial first
   * @param weights predetermined observation weights (MOTPE's); otherwise `options.weights(n)`
   */
  constructor(
    observations: readonly Float64Array[],
    dims: readonly ParzenDim[],
    options: ParzenOptions,
    weights?: ArrayLike<number>,
  ) {
    const n = observations[0]?.length ?? 0;
    // No observations: the prior alone, whatever considerPrior says (there is nothing else).
    const prior = options.considerPrior || n === 0;
    const w = n === 0 ? [] : checkedWeights(weights ?? options.weights(n), n);
    const k = n + (prior ? 1 : 0);
    this.nComponents = k;
    const raw = new Float64Array(k);
    for (let i = 0; i < n; i++) raw[i] = w[i] as number;
    if (prior) raw[n] = n === 0 ? 1 : options.priorWeight;
    let total = 0;
    for (let i = 0; i < k; i++) total += raw[i] as number;
    this.logWeights = new Float64Array(k);
    this.cumWeights = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) {
      const p = (raw[i] as number) / total;
      this.logWeights[i] = Math.log(p);
      acc += p;
      this.cumWeights[i] = acc;
    }
    // numpy's `choice` searches the cumulative sum divided by its last entry.
    for (let i = 0; i < k; i++) this.cumWeights[i] = (this.cumWeights[i] as number) / acc;
    this.axes = dims.map((dim, d) =>
      buildAxis(dim, observations[d] ?? new Float64Array(0), dims.length, prior, options),
    );
  }

  /**
   * `size` draws, one Float64Array per axis, in the transformed space. The uniforms are consumed
   * in current Optuna's order: every draw's component, then each categorical axis, then each
   * numerical axis (its vectorised `rvs`), so the same uniforms give the same candidates.
   */
  sample(rng: Rng, size: number): Float64Array[] {
    const active = new Uint32Array(size);
    for (let s = 0; s < size; s++) active[s] = pick(this.cumWeights, rng.next());
    const out = this.axes.map(() => new Float64Array(size));
    this.axes.forEach((axis, d) => {
      if (axis.kind === 'categorical') sampleCategorical(axis, active, rng, out[d] as Float64Array);
    });
    this.axes.forEach((axis, d) => {
      if (axis.kind === 'numerical') sampleNumerical(axis, active, rng, out[d] as Float64Array);
    });
    return out;
  }

  /** The mixture's log density (log mass on grid axes) at each of `n` points. */
  logPdf(points: readonly Float64Array[], n: number): Float64Array {
    const k = this.nComponents;
    // One row at a time: row[c] = log weight + log density of component c, summed over axes.
    const row = new Float64Array(k);
    const cellCaches = this.axes.map(() => new Map<number, Float64Array>());
    const out = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      row.set(this.logWeights);
      for (let d = 0; d < this.axes.length; d++) {
        const axis = this.axes[d] as Axis;
        const x = (points[d] as Float64Array)[s] as number;
        if (axis.kind === 'categorical') addCategorical(axis.logProbs, axis.nChoices, x, row);
        else if (axis.logCells) addLogCell(axis, x, row, cellCaches[d] as Map<number, Float64Array>);
        else if (axis.step === 0) addContinuous(axis, x, row);
        else addGrid(axis, x, row, cellCaches[d] as Map<number, Float64Array>);
      }
      out[s] = logSumExp(row);
    }
    return out;
  }
}

type CategoricalAxis = Extract<Axis, { kind: 'categorical' }>;

/** The first choice whose cumulative probability reaches the uniform (numpy: count of cum < u). */
function sampleCategorical(axis: CategoricalAxis, active: Uint32Array, rng: Rng, out: Float64Array): void {
  for (let s = 0; s < out.length; s++) {
    const c = active[s] as number;
    const u = rng.next();
    let acc = 0;
    let choice = axis.nChoices - 1;
    for (let j = 0; j < axis.nChoices - 1; j++) {
      acc += axis.probs[c * axis.nChoices + j] as number;
      if (u <= acc) {
        choice = j;
        break;
      }
    }
    out[s] = choice;
  }
}

function sampleNumerical(axis: NumericalAxis, active: Uint32Array, rng: Rng, out: Float64Array): void {
  const half = axis.step / 2;
  for (let s = 0; s < out.length; s++) {
    const c = active[s] as number;
    const mu = axis.mus[c] as number;
    const sigma = axis.sigmas[c] as number;
    const a = (axis.low - half - mu) / sigma;
    const b = (axis.high + half - mu) / sigma;
    let x = mu + sigma * truncnormPpf(rng.next(), a, b);
    if (axis.step > 0) {
      x = axis.low + Math.round((x - axis.low) / axis.step) * axis.step;
      x = Math.min(axis.high, Math.max(axis.low, x));
    }
    out[s] = x;
  }
}

function checkedWeights(w: ArrayLike<number>, n: number): ArrayLike<number> {
  if (w.length < n) throw new InvalidArgumentError('weights(n)', w.length, `at least n = ${n} weights`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i] as number;
    if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError('weights(n)', v, 'finite, non-negative weights');
    sum += v;
  }
  if (!(sum > 0)) throw new InvalidArgumentError('weights(n)', Array.from(w), 'weights with a positive sum');
  return w;
}

function buildAxis(dim: ParzenDim, obs: Float64Array, nDims: number, prior: boolean, opts: ParzenOptions): Axis {
  if (dim.kind === 'categorical') {
    const probs = categoricalKernels(obs, dim.nChoices, prior, opts.priorWeight);
    return { kind: 'categorical', nChoices: dim.nChoices, probs, logProbs: probs.map(Math.log) };
  }
  const { low, high, step } = dim;
  const { mus, sigmas } = numericalKernels(obs, low, high, step, nDims, prior, opts);
  const logMass = new Float64Array(mus.length);
  for (let c = 0; c < mus.length; c++) {
    const mu = mus[c] as number;
    const sigma = sigmas[c] as number;
    logMass[c] = logGaussMass((low - step / 2 - mu) / sigma, (high + step / 2 - mu) / sigma);
  }
  const inv = sigmas.map((sigma) => 1 / sigma);
  const offset = sigmas.map((sigma, c) => -Math.log(sigma) - LOG_SQRT_2PI - (logMass[c] as number));
  const logCells = dim.logInt === true && opts.rules === 'current';
  return { kind: 'numerical', low, high, step, logCells, mus, sigmas, logMass, inv, offset };
}

/** Index of the first cumulative weight above u (binary search). */
function pick(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < (cum[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

type NumericalAxis = Extract<Axis, { kind: 'numerical' }>;

function addCategorical(logProbs: Float64Array, nChoices: number, x: number, row: Float64Array): void {
  for (let c = 0; c < row.length; c++) row[c] = (row[c] as number) + (logProbs[c * nChoices + x] as number);
}

/** Truncated-normal log densities; outside [low, high] every component is 0 (-Infinity). */
function addContinuous(axis: NumericalAxis, x: number, row: Float64Array): void {
  if (x < axis.low || x > axis.high) {
    row.fill(-Infinity);
    return;
  }
  const { mus, inv, offset } = axis;
  for (let c = 0; c < row.length; c++) {
    const z = (x - (mus[c] as number)) * (inv[c] as number);
    row[c] = (row[c] as number) + (offset[c] as number) - 0.5 * z * z;
  }
}

/**
 * On a grid, the log mass of each kernel on the point's cell [x - step/2, x + step/2]. Candidates
 * often repeat a grid point, so each point's column is computed once per `logPdf` call.
 */
function addGrid(axis: NumericalAxis, x: number, row: Float64Array, cache: Map<number, Float64Array>): void {
  let cell = cache.get(x);
  if (cell === undefined) {
    const { mus, inv, logMass, step } = axis;
    cell = new Float64Array(row.length);
    for (let c = 0; c < row.length; c++) {
      const mu = mus[c] as number;
      const iv = inv[c] as number;
      cell[c] = logGaussMass((x - step / 2 - mu) * iv, (x + step / 2 - mu) * iv) - (logMass[c] as number);
    }
    cache.set(x, cell);
  }
  for (let c = 0; c < row.length; c++) row[c] = (row[c] as number) + (cell[c] as number);
}

/**
 * A log int (current rules): the log mass of each kernel on the value's cell
 * [log(v - 1/2), log(v + 1/2)], v = round(exp x), over the kernel's mass on the axis (Optuna's
 * discrete truncated log-normal). Cached per value as on a grid.
 */
function addLogCell(axis: NumericalAxis, x: number, row: Float64Array, cache: Map<number, Float64Array>): void {
  let cell = cache.get(x);
  if (cell === undefined) {
    const v = Math.round(Math.exp(x));
    const left = Math.log(v - 0.5);
    const right = Math.log(v + 0.5);
    const { mus, inv, logMass } = axis;
    cell = new Float64Array(row.length);
    for (let c = 0; c < row.length; c++) {
      const mu = mus[c] as number;
      const iv = inv[c] as number;
      cell[c] = logGaussMass((left - mu) * iv, (right - mu) * iv) - (logMass[c] as number);
    }
    cache.set(x, cell);
  }
  for (let c = 0; c < row.length; c++) row[c] = (row[c] as number) + (cell[c] as number);
}

/** log sum exp; terms more than 40 below the largest (< 1e-17 of it) are skipped, not exp'd. */
function logSumExp(row: Float64Array): number {
  let max = -Infinity;
  for (let c = 0; c < row.length; c++) if ((row[c] as number) > max) max = row[c] as number;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let c = 0; c < row.length; c++) {
    const d = (row[c] as number) - max;
    if (d > -40) sum += Math.exp(d);
  }
  return max + Math.log(sum);
}

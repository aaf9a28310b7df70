import { InvalidArgumentError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';

/** Where one parameter lives in the GP's input vector. */
export interface EncodedParam {
  readonly name: string;
  readonly distribution: Distribution;
  /** First column. */
  readonly start: number;
  /** Columns: 1 for numbers, one per choice for categoricals (one-hot). */
  readonly size: number;
}

/**
 * Maps a joint search space to the GP's inputs in the unit cube, one column per numeric parameter
 * (log-scaled ones in log space; stepped floats and ints as continuous values over cells of equal
 * width, one per grid point, rounded back on the way out) and one-hot columns per categorical. One
 * lengthscale per parameter: a categorical's columns share it, so two different choices are always
 * the same distance apart. Names are sorted, so columns do not depend on object key order.
 */
export class SearchSpaceEncoding {
  readonly params: readonly EncodedParam[];
  /** Total columns D. */
  readonly dims: number;
  /** Column -> index into `params` (for the lengthscales). */
  readonly columnParam: Int32Array;
  /** 1 for the numeric columns (ints and stepped floats included). */
  readonly numericColumns: Uint8Array;
  /** 1 for the columns of continuous floats (no step), the ones gradient steps move. */
  readonly continuousColumns: Uint8Array;
  private readonly grids = new Map<string, Float64Array>();

  constructor(space: Readonly<Record<string, Distribution>>) {
    const params: EncodedParam[] = [];
    let start = 0;
    for (const name of Object.keys(space).sort()) {
      const distribution = space[name] as Distribution;
      const size = distribution.type === 'categorical' ? distribution.choices.length : 1;
      params.push({ name, distribution, start, size });
      start += size;
    }
    if (params.length === 0) throw new InvalidArgumentError('search space', space, 'at least one parameter');
    this.params = params;
    this.dims = start;
    this.columnParam = new Int32Array(start);
    this.numericColumns = new Uint8Array(start);
    this.continuousColumns = new Uint8Array(start);
    params.forEach((p, i) => {
      this.columnParam.fill(i, p.start, p.start + p.size);
      if (p.distribution.type !== 'categorical') this.numericColumns[p.start] = 1;
      if (p.distribution.type === 'float' && p.distribution.step === null) this.continuousColumns[p.start] = 1;
    });
  }

  /**
   * The encoded positions of an int's or a stepped float's values, ascending (its column can hold
   * only these); null for a continuous float or a categorical.
   */
  grid(p: EncodedParam): Float64Array | null {
    const d = p.distribution;
    if (d.type === 'categorical' || (d.type === 'float' && d.step === null)) return null;
    const cached = this.grids.get(p.name);
    if (cached !== undefined) return cached;
    const step = d.step as number;
    const count = Math.round((d.high - d.low) / step) + 1;
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = numericToUnit(d, Math.min(d.high, d.low + i * step));
    this.grids.set(p.name, out);
    return out;
  }

  /** The encoded point of a trial's values; null when one is missing or not in its distribution. */
  encode(values: Readonly<Record<string, ParamValue>>): Float64Array | null {
    const x = new Float64Array(this.dims);
    for (const p of this.params) {
      if (!Object.prototype.hasOwnProperty.call(values, p.name)) return null;
      const v = values[p.name] as ParamValue;
      const d = p.distribution;
      if (d.type === 'categorical') {
        const index = d.choices.findIndex((c) => c === v);
        if (index < 0) return null;
        x[p.start + index] = 1;
      } else {
        if (typeof v !== 'number' || !Number.isFinite(v)) return null;
        const u = numericToUnit(d, v);
        if (!Number.isFinite(u)) return null;
        x[p.start] = Math.min(1, Math.max(0, u));
      }
    }
    return x;
  }

  /** A point u of [0, 1)^P (one coordinate per parameter, e.g. Sobol') as an encoded point. */
  fromUnit(u: ArrayLike<number>): Float64Array {
    const x = new Float64Array(this.dims);
    this.params.forEach((p, i) => {
      const ui = Math.min(1, Math.max(0, u[i] as number));
      if (p.distribution.type === 'categorical') {
        x[p.start + Math.min(p.size - 1, Math.floor(ui * p.size))] = 1;
      } else {
        x[p.start] = ui;
      }
    });
    return x;
  }

  /** Parameter values of an encoded point (clipped, rounded to the grid, argmax of one-hot columns). */
  decode(x: ArrayLike<number>): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const p of this.params) {
      const d = p.distribution;
      if (d.type === 'categorical') {
        let best = 0;
        for (let j = 1; j < p.size; j++) if ((x[p.start + j] as number) > (x[p.start + best] as number)) best = j;
        out[p.name] = d.choices[best] as ParamValue;
      } else {
        out[p.name] = unitToNumeric(d, x[p.start] as number);
      }
    }
    return out;
  }

  /** The encoded point of what `x` decodes to: x moved onto the grid the objective will really see. */
  snap(x: ArrayLike<number>): Float64Array {
    return this.encode(this.decode(x)) as Float64Array;
  }
}

type NumericDistribution = Exclude<Distribution, { type: 'categorical' }>;

/** Number of grid points of a stepped float or an int (0 when the range is continuous or log-scaled). */
function cells(d: NumericDistribution): number {
  if (d.log || (d.type === 'float' && d.step === null)) return 0;
  return Math.round((d.high - d.low) / (d.step as number)) + 1;
}

function numericToUnit(d: NumericDistribution, v: number): number {
  const k = cells(d);
  if (k > 0) return (Math.round((v - d.low) / (d.step as number)) + 0.5) / k;
  if (d.log) {
    // Log ints span [low - 0.5, high + 0.5] so that each integer owns a cell of the log axis.
    const [lo, hi] =
      d.type === 'int' ? [Math.log(d.low - 0.5), Math.log(d.high + 0.5)] : [Math.log(d.low), Math.log(d.high)];
    return hi === lo ? 0.5 : (Math.log(v) - lo) / (hi - lo);
  }
  return d.high === d.low ? 0.5 : (v - d.low) / (d.high - d.low);
}

function unitToNumeric(d: NumericDistribution, u: number): number {
  const uc = Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0.5;
  const clip = (v: number): number => Math.min(d.high, Math.max(d.low, v));
  const k = cells(d);
  if (k > 0) {
    const index = Math.min(k - 1, Math.floor(uc * k));
    return d.type === 'int' ? d.low + index * d.step : clip(d.low + index * (d.step as number));
  }
  if (d.log) {
    const [lo, hi] =
      d.type === 'int' ? [Math.log(d.low - 0.5), Math.log(d.high + 0.5)] : [Math.log(d.low), Math.log(d.high)];
    const v = Math.exp(lo + uc * (hi - lo));
    return d.type === 'int' ? clip(Math.round(v)) : clip(v);
  }
  return clip(d.low + uc * (d.high - d.low));
}

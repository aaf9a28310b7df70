import type { Distribution, ParamValue } from '../../space/distributions';
import { fromUnit } from '../qmc/unit-transform';

type Numeric = Exclude<Distribution, { type: 'categorical' }>;

/**
 * The inverse of `fromUnit` (../qmc/unit-transform) for a numeric value: linear or log-linear, and
 * for grids (ints, stepped floats, log ints) the centre of the value's cell, clipped to [0, 1].
 */
export function toUnit(dist: Numeric, value: number): number {
  const half = dist.step === null ? 0 : dist.step / 2;
  const lo = dist.low - half;
  const hi = dist.high + half;
  const u = dist.log ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (value - lo) / (hi - lo);
  return Math.min(1, Math.max(0, u));
}

/**
 * The map between a numeric distribution and [0, 1] that CMA-ES searches (Optuna's
 * `_SearchSpaceTransform(transform_0_1=True)`): log distributions in log space; ints and stepped
 * floats widened by half a step on each side so every grid point owns an equal cell (its centre is
 * where a value maps), unless `withMargin`, where the grid stays on [0, 1] and CMA-ES with Margin
 * handles the discreteness itself.
 */
export class UnitSpace {
  constructor(
    readonly names: readonly string[],
    readonly dists: readonly Numeric[],
    readonly withMargin: boolean,
  ) {}

  /** Grid spacing of each axis in [0, 1]; 0 for continuous (and log) axes. */
  steps(): number[] {
    return this.dists.map((d) => (d.log || d.step === null ? 0 : d.step / (d.high - d.low)));
  }

  /** The point of a trial's values. */
  toUnit(params: Readonly<Record<string, ParamValue>>): Float64Array {
    return Float64Array.from(this.dists, (d, i) => {
      const v = params[this.names[i] as string] as number;
      if (!this.withMargin) return toUnit(d, v);
      const lo = d.log ? Math.log(d.low) : d.low;
      const hi = d.log ? Math.log(d.high) : d.high;
      return Math.min(1, Math.max(0, ((d.log ? Math.log(v) : v) - lo) / (hi - lo)));
    });
  }

  /** The values of a point (snapped to each grid, clipped to each range). */
  fromUnit(u: Float64Array): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    this.dists.forEach((d, i) => {
      const x = Math.min(1, Math.max(0, u[i] as number));
      out[this.names[i] as string] = this.withMargin ? this.fromUnitOnGrid(d, x) : fromUnit(d, x);
    });
    return out;
  }

  /** Without widening: round to the nearest grid point (Optuna's untransform). */
  private fromUnitOnGrid(d: Numeric, u: number): number {
    const { low, high } = d;
    const clip = (v: number): number => Math.min(high, Math.max(low, v));
    if (d.log) {
      const v = Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
      return clip(d.type === 'int' ? Math.round(v) : v);
    }
    const v = low + u * (high - low);
    if (d.step === null) return clip(v);
    return clip(low + Math.round((v - low) / d.step) * d.step);
  }
}

import { InvalidArgumentError } from '../../errors';
import type { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import { sampleUniform } from '../../space/sample-uniform';

/** PBT's explore options, with Ray Tune's meaning and defaults. */
export interface ExploreOptions {
  /** Probability that a parameter is resampled from its distribution instead of perturbed (0.25). */
  readonly resampleProbability?: number;
  /** Factors a number is multiplied by, one drawn uniformly per perturbation ([1.2, 0.8]). */
  readonly perturbationFactors?: readonly number[];
}

/** What explore did to one parameter: the lineage log records it. */
export interface ParamChange {
  readonly name: string;
  readonly before: ParamValue;
  readonly after: ParamValue;
  readonly how: 'resample' | 'perturb';
  /** The factor used by a numeric perturbation, or the index shift (-1 / +1) of a categorical one. */
  readonly by?: number;
}

export const DEFAULT_RESAMPLE_PROBABILITY = 0.25;
export const DEFAULT_PERTURBATION_FACTORS: readonly number[] = [1.2, 0.8];

/** Checks explore options; throws naming the field. */
export function validateExploreOptions(options: ExploreOptions, prefix = ''): Required<ExploreOptions> {
  const p = options.resampleProbability ?? DEFAULT_RESAMPLE_PROBABILITY;
  if (!(Number.isFinite(p) && p >= 0 && p <= 1)) {
    throw new InvalidArgumentError(`${prefix}resampleProbability`, p, 'a probability in [0, 1]');
  }
  const factors = options.perturbationFactors ?? DEFAULT_PERTURBATION_FACTORS;
  if (!Array.isArray(factors) || factors.length === 0 || !factors.every((f) => Number.isFinite(f) && f > 0)) {
    throw new InvalidArgumentError(`${prefix}perturbationFactors`, factors, 'a non-empty array of positive numbers');
  }
  return { resampleProbability: p, perturbationFactors: factors };
}

/**
 * PBT's explore step: every parameter named in `mutations` is resampled (with probability
 * `resampleProbability`) or perturbed, and the result always lies in its distribution — unlike
 * Ray Tune's, which can leave the bounds (ray#5035) or the type (ray#12717):
 * - float: multiplied by a factor (for log ones that is a shift in log space), clipped to
 *   [low, high] and snapped to the step grid; a 0 moves by (factor − 1)·(high − low), since no
 *   factor would move it;
 * - int: the same, rounded to the step grid, and moved one step in the factor's direction when
 *   rounding would undo the perturbation (so small integers do not get stuck);
 * - categorical: moved to a neighbouring choice in list order (the other one at an end).
 * Parameters not in `mutations` are copied unchanged. Pure: the same rng state gives the same result,
 * and names are visited in sorted order.
 */
export function explore(
  params: Readonly<Record<string, ParamValue>>,
  mutations: Readonly<Record<string, Distribution>>,
  rng: Rng,
  options: ExploreOptions = {},
): { params: Record<string, ParamValue>; changes: ParamChange[] } {
  const { resampleProbability, perturbationFactors } = validateExploreOptions(options);
  const out: Record<string, ParamValue> = { ...params };
  const changes: ParamChange[] = [];
  for (const name of Object.keys(mutations).sort()) {
    const distribution = mutations[name] as Distribution;
    const before = params[name];
    if (before === undefined) throw new InvalidArgumentError(`params.${name}`, before, 'a value to mutate');
    if (rng.next() < resampleProbability) {
      out[name] = sampleUniform(distribution, rng);
      changes.push({ name, before, after: out[name], how: 'resample' });
      continue;
    }
    if (distribution.type === 'categorical') {
      const index = distribution.toInternal(before);
      const n = distribution.choices.length;
      let shift = rng.next() < 0.5 ? -1 : 1;
      if (index + shift < 0 || index + shift >= n) shift = -shift;
      const next = n === 1 ? index : index + shift;
      out[name] = distribution.toExternal(next);
      changes.push({ name, before, after: out[name], how: 'perturb', by: n === 1 ? 0 : shift });
      continue;
    }
    if (typeof before !== 'number') throw new InvalidArgumentError(`params.${name}`, before, 'a number');
    const factor = rng.choice(perturbationFactors);
    out[name] = perturbNumber(distribution, before, factor);
    changes.push({ name, before, after: out[name], how: 'perturb', by: factor });
  }
  return { params: out, changes };
}

function perturbNumber(distribution: Exclude<Distribution, { type: 'categorical' }>, value: number, factor: number) {
  const { low, high } = distribution;
  const raw = value === 0 ? (factor - 1) * (high - low) : value * factor;
  const clipped = Math.min(high, Math.max(low, raw));
  const step = distribution.step;
  if (step === null) return clipped;
  // Snap to the grid low + k·step, inside the bounds.
  const maxK = Math.round((high - low) / step);
  let k = Math.min(maxK, Math.max(0, Math.round((clipped - low) / step)));
  const kBefore = Math.round((value - low) / step);
  if (distribution.type === 'int' && k === kBefore && factor !== 1 && raw !== value) {
    k = Math.min(maxK, Math.max(0, k + (raw > value ? 1 : -1)));
  }
  const snapped = low + k * step;
  return distribution.type === 'int' ? Math.round(snapped) : Math.min(high, snapped);
}

import type { Rng } from '../../random/rng';
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
} from '../../space/distributions';
import { sampleUniform } from '../../space/sample-uniform';
import type { Params, SuggestApi } from '../../training/hyper-model';

/** A define-by-run search space (a zoo model's `space`, a config's, a tuner's `build(hp)` dry run). */
export type SpaceFn = (trial: SuggestApi) => Params;

/** A parameter set with the distribution each value was drawn from (what a stored trial needs). */
export interface DrawnParams {
  readonly params: Record<string, ParamValue>;
  readonly distributions: Record<string, Distribution>;
}

/**
 * Runs `space` once, drawing every parameter uniformly from `rng` (or from `override[name]`'s
 * distribution, e.g. a mutation's narrower range), and records each distribution: a member's
 * initial configuration, as a stored trial holds it.
 */
export function drawFromSpace(
  space: SpaceFn,
  rng: Rng,
  override: Readonly<Record<string, Distribution>> = {},
): DrawnParams {
  const params: Record<string, ParamValue> = {};
  const distributions: Record<string, Distribution> = {};
  const draw = (name: string, distribution: Distribution): ParamValue => {
    if (name in params) return params[name] as ParamValue;
    const d = override[name] ?? distribution;
    distributions[name] = d;
    params[name] = sampleUniform(d, rng);
    return params[name] as ParamValue;
  };
  const api: SuggestApi = {
    suggestFloat: (name, low, high, o = {}) =>
      draw(name, new FloatDistribution(low, high, o.log ?? false, o.step ?? null)) as number,
    suggestInt: (name, low, high, o = {}) =>
      draw(name, new IntDistribution(low, high, o.log ?? false, o.step ?? 1)) as number,
    suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]) =>
      draw(name, new CategoricalDistribution(choices)) as T,
  };
  space(api);
  return { params, distributions };
}

/**
 * Every parameter a space can ask for, with its distribution, by dry runs that walk each
 * categorical's and integer's values (conditional parameters appear under some of them).
 */
export function spaceDistributions(space: SpaceFn): Record<string, Distribution> {
  const out: Record<string, Distribution> = {};
  for (let pass = 0; pass < 8; pass++) {
    const api: SuggestApi = {
      suggestFloat: (name, low, high, o = {}) => {
        out[name] ??= new FloatDistribution(low, high, o.log ?? false, o.step ?? null);
        return pass % 2 === 0 ? low : high;
      },
      suggestInt: (name, low, high, o = {}) => {
        out[name] ??= new IntDistribution(low, high, o.log ?? false, o.step ?? 1);
        return Math.min(high, low + pass * (o.step ?? 1));
      },
      suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]) => {
        out[name] ??= new CategoricalDistribution(choices);
        return choices[Math.min(pass, choices.length - 1)] as T;
      },
    };
    space(api);
  }
  return out;
}

/** A fixed value as a stored trial holds it: a one-choice categorical. */
export function fixedDistribution(value: ParamValue): Distribution {
  return new CategoricalDistribution([value]);
}

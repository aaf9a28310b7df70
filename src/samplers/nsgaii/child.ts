import type { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';
import { toUnit } from '../cmaes/unit-space';
import { fromUnit } from '../qmc/unit-transform';
import type { Crossover } from './crossovers';
import { selectParents } from './selection';

type Numeric = Exclude<Distribution, { type: 'categorical' }>;

/** Parent draws before a crossover whose children keep leaving the unit cube is clipped into it. */
const MAX_CROSSOVER_TRIES = 100;

export interface ChildSettings {
  readonly crossover: Crossover;
  readonly crossoverProb: number;
  readonly swappingProb: number;
  readonly mutationProb: number | undefined;
  readonly directions: readonly StudyDirection[];
  readonly constrained: boolean;
}

/**
 * One child's values over `names` (sorted) of `space` (Optuna's NSGA-II child generation): with
 * probability `crossoverProb` a crossover of parents picked by tournament, otherwise a copy of a
 * random parent; then each value is dropped with probability `mutationProb` (default 1 / number
 * of parameters), so the sampler's random fallback draws it afresh. Numeric genes cross in the unit
 * cube (log ranges in log space, grids by cell); a child outside the cube is redrawn from new
 * parents. Categorical genes come from the first or last parent (uniform crossover).
 */
export function breedChild(
  parents: readonly FrozenTrial[],
  space: Record<string, Distribution>,
  names: readonly string[],
  settings: ChildSettings,
  rng: Rng,
): Record<string, ParamValue> {
  const child =
    rng.next() < settings.crossoverProb
      ? crossed(parents, space, names, settings, rng)
      : copyOf(rng.choice(parents), names);
  const mutationProb = settings.mutationProb ?? 1 / Math.max(1, names.length);
  const out: Record<string, ParamValue> = {};
  for (const name of names) if (rng.next() >= mutationProb) out[name] = child[name] as ParamValue;
  return out;
}

function copyOf(parent: FrozenTrial, names: readonly string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const name of names) out[name] = parent.params[name] as ParamValue;
  return out;
}

function crossed(
  population: readonly FrozenTrial[],
  space: Record<string, Distribution>,
  names: readonly string[],
  s: ChildSettings,
  rng: Rng,
): Record<string, ParamValue> {
  const categorical = names.filter((n) => space[n]?.type === 'categorical');
  const numeric = names.filter((n) => space[n]?.type !== 'categorical');
  const dists = numeric.map((n) => space[n] as Numeric);
  const context = { nObjectives: s.directions.length };
  for (let attempt = 1; ; attempt++) {
    const parents = selectParents(population, s.crossover.nParents, s.directions, s.constrained, rng);
    const out: Record<string, ParamValue> = {};
    const first = parents[0] as FrozenTrial;
    const last = parents[parents.length - 1] as FrozenTrial;
    for (const n of categorical) out[n] = (rng.next() > s.swappingProb ? last : first).params[n] as ParamValue;
    if (numeric.length === 0) return out;
    const points = parents.map((p) =>
      Float64Array.from(dists, (d, i) => toUnit(d, p.params[numeric[i] as string] as number)),
    );
    const u = s.crossover.crossover(points, rng, context);
    const inside = u.every((v) => v >= 0 && v <= 1);
    if (!inside && attempt < MAX_CROSSOVER_TRIES) continue;
    dists.forEach((d, i) => {
      const name = numeric[i] as string;
      // A gene copied from a parent keeps the parent's value exactly (the unit map rounds).
      const from = points.findIndex((p) => p[i] === u[i]);
      out[name] =
        from >= 0
          ? ((parents[from] as FrozenTrial).params[name] as number)
          : (fromUnit(d, Math.min(1, Math.max(0, u[i] as number))) as number);
    });
    return out;
  }
}

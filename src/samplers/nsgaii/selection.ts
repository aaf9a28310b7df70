import type { Rng } from '../../random/rng';
import {
  constrainedDominates,
  crowdingDistances,
  dominates,
  lossVectors,
  nonDominationRanks,
  totalViolation,
} from '../../study/multi-objective';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';

/**
 * `population` split into non-domination fronts, best first, each in population order. With
 * `constrained`, by constrained domination (feasible first, then by total violation; trials that
 * recorded no constraints last).
 */
export function rankPopulation(
  population: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  constrained: boolean,
): FrozenTrial[][] {
  if (population.length === 0) return [];
  const losses = lossVectors(population, directions);
  const ranks = nonDominationRanks(losses, constrained ? population.map(totalViolation) : undefined);
  const fronts: FrozenTrial[][] = [];
  population.forEach((t, i) => {
    const r = ranks[i] as number;
    while (fronts.length <= r) fronts.push([]);
    (fronts[r] as FrozenTrial[]).push(t);
  });
  return fronts.filter((f) => f.length > 0);
}

/** `front` by crowding distance, largest first (ties keep their order). */
export function byCrowdingDistance(
  front: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): FrozenTrial[] {
  const distance = crowdingDistances(lossVectors(front, directions));
  return front
    .map((t, i) => ({ t, i }))
    .sort((a, b) => (distance[b.i] as number) - (distance[a.i] as number) || a.i - b.i)
    .map((x) => x.t);
}

/**
 * NSGA-II's elitist survival (Deb et al. 2002): whole fronts while they fit, then the least
 * crowded trials of the first front that does not.
 */
export function crowdingElite(
  population: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  size: number,
  constrained: boolean,
): FrozenTrial[] {
  const elite: FrozenTrial[] = [];
  for (const front of rankPopulation(population, directions, constrained)) {
    if (elite.length + front.length <= size) {
      elite.push(...front);
      if (elite.length === size) break;
      continue;
    }
    elite.push(...byCrowdingDistance(front, directions).slice(0, size - elite.length));
    break;
  }
  return elite;
}

/**
 * `count` distinct parents, each the winner of a binary tournament (Optuna's `_select_parent`): two
 * contestants drawn with replacement from those not yet chosen; the first wins when it dominates
 * the second (constrained domination with `constrained`), else the second.
 */
export function selectParents(
  population: readonly FrozenTrial[],
  count: number,
  directions: readonly StudyDirection[],
  constrained: boolean,
  rng: Rng,
): FrozenTrial[] {
  const beats = (a: FrozenTrial, b: FrozenTrial): boolean =>
    constrained ? constrainedDominates(a, b, directions) : dominates(a.values ?? [], b.values ?? [], directions);
  const parents: FrozenTrial[] = [];
  for (let k = 0; k < count; k++) {
    const left = population.filter((t) => !parents.includes(t));
    const first = rng.choice(left);
    const second = rng.choice(left);
    parents.push(beats(first, second) ? first : second);
  }
  return parents;
}

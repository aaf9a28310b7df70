import type { Rng } from '../../random/rng';
import { lossVectors } from '../../study/multi-objective';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';
import { rankPopulation } from '../nsgaii/selection';
import { associate, clipInfinities, normalizeObjectives } from './reference-points';

/**
 * NSGA-III's survival (Deb & Jain 2014, as in Optuna): whole non-domination fronts while they fit;
 * from the first front that does not, members are added one at a time to the reference direction
 * with the fewest survivors so far (ties drawn at random): its nearest candidate when it has none
 * yet, a random one of its candidates otherwise. Objectives are normalised over the survivors and
 * that front (ideal point, extreme-point intercepts) before each trial is tied to its nearest
 * reference line.
 */
export function nichingElite(
  population: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  size: number,
  constrained: boolean,
  references: readonly number[][],
  rng: Rng,
): FrozenTrial[] {
  const elite: FrozenTrial[] = [];
  for (const front of rankPopulation(population, directions, constrained)) {
    if (elite.length + front.length <= size) {
      elite.push(...front);
      if (elite.length === size) break;
      continue;
    }
    const points = normalizeObjectives(clipInfinities(lossVectors([...elite, ...front], directions)));
    const { nearest, distance } = associate(points, references);
    elite.push(...pickFromFront(front, elite.length, size - elite.length, nearest, distance, rng));
    break;
  }
  return elite;
}

function pickFromFront(
  front: readonly FrozenTrial[],
  nElite: number,
  wanted: number,
  nearest: Int32Array,
  distance: Float64Array,
  rng: Rng,
): FrozenTrial[] {
  const count = new Map<number, number>();
  for (let i = 0; i < nElite; i++) count.set(nearest[i] as number, (count.get(nearest[i] as number) ?? 0) + 1);
  // Candidates of each reference direction (front indices), nearest first.
  const candidates = new Map<number, number[]>();
  front.forEach((_, k) => {
    const ref = nearest[nElite + k] as number;
    if (!candidates.has(ref)) candidates.set(ref, []);
    candidates.get(ref)?.push(k);
  });
  for (const list of candidates.values()) {
    list.sort((a, b) => (distance[nElite + a] as number) - (distance[nElite + b] as number) || a - b);
  }
  const picked: FrozenTrial[] = [];
  const shuffled = new Set<number>();
  while (picked.length < wanted) {
    // The directions with candidates left and the fewest survivors; one drawn at random.
    let fewest = Infinity;
    for (const [ref, list] of candidates) if (list.length > 0) fewest = Math.min(fewest, count.get(ref) ?? 0);
    const level = [...candidates.keys()]
      .filter((ref) => (candidates.get(ref) as number[]).length > 0 && (count.get(ref) ?? 0) === fewest)
      .sort((a, b) => a - b);
    const ref = rng.choice(level);
    let list = candidates.get(ref) as number[];
    if (fewest > 0 && !shuffled.has(ref)) {
      list = rng.shuffle(list);
      candidates.set(ref, list);
      shuffled.add(ref);
    }
    picked.push(front[list.shift() as number] as FrozenTrial);
    count.set(ref, fewest + 1);
  }
  return picked;
}

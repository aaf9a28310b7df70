import type { Rng } from '../../random/rng';
import { dominates } from '../../study/multi-objective';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';

/** The parents of a generation, best first, with their roulette weights (aligned). */
export interface Pool {
  readonly trials: readonly FrozenTrial[];
  readonly weights: Float64Array;
}

/**
 * The best `size` of `trials` (COMPLETE, finite values), best first, direction-aware. Several
 * objectives rank by non-domination front; ties go to the older trial, so the order is total.
 * Roulette weights: how far each loss is below the pool's worst (plus a sliver, so the worst can
 * still be drawn), or 1 / (1 + front) for several objectives.
 */
export function bestPool(trials: readonly FrozenTrial[], directions: readonly StudyDirection[], size: number): Pool {
  const done = distinct(
    trials.filter((t) => t.values !== null && t.values.every((v) => Number.isFinite(v))),
    directions,
  );
  if (directions.length === 1) {
    const sign = directions[0] === 'maximize' ? -1 : 1;
    const loss = (t: FrozenTrial): number => sign * ((t.values as readonly number[])[0] as number);
    const best = done
      .slice()
      .sort((a, b) => loss(a) - loss(b) || a.number - b.number)
      .slice(0, size);
    const losses = best.map(loss);
    const worst = Math.max(...losses);
    const spread = worst - Math.min(...losses);
    const weights = Float64Array.from(losses, (l) => (spread > 0 ? worst - l + 1e-3 * spread : 1));
    return { trials: best, weights };
  }
  const front = fronts(done, directions);
  const order = done.map((_, i) => i).sort((i, j) => (front[i] as number) - (front[j] as number) || i - j);
  const best = order.slice(0, size);
  return {
    trials: best.map((i) => done[i] as FrozenTrial),
    weights: Float64Array.from(best, (i) => 1 / (1 + (front[i] as number))),
  };
}

/**
 * One trial per parameter set, the best one (elite re-runs repeat their parent's parameters, and
 * would otherwise crowd the pool with copies of one point).
 */
function distinct(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): FrozenTrial[] {
  const byParams = new Map<string, FrozenTrial>();
  for (const t of trials) {
    const key = JSON.stringify(
      Object.keys(t.params)
        .sort()
        .map((k) => [k, t.params[k]]),
    );
    const seen = byParams.get(key);
    if (seen === undefined || dominates(t.values as readonly number[], seen.values as readonly number[], directions)) {
      byParams.set(key, t);
    }
  }
  return [...byParams.values()].sort((a, b) => a.number - b.number);
}

/** Non-domination front of each trial (0 = Pareto front): NSGA-II's fast sort, O(m n²). */
function fronts(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): Int32Array {
  const n = trials.length;
  const values = trials.map((t) => t.values as readonly number[]);
  const dominatedBy = new Int32Array(n);
  const dominatesList: number[][] = values.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(values[i] as readonly number[], values[j] as readonly number[], directions)) {
        (dominatesList[i] as number[]).push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (dominates(values[j] as readonly number[], values[i] as readonly number[], directions)) {
        (dominatesList[j] as number[]).push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  const out = new Int32Array(n);
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  for (let level = 0; current.length > 0; level++) {
    const next: number[] = [];
    for (const i of current) {
      out[i] = level;
      for (const j of dominatesList[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    current = next;
  }
  return out;
}

/** Tournament: `size` contestants drawn with replacement; the best (lowest pool index) wins. */
export function tournament(pool: Pool, size: number, rng: Rng): FrozenTrial {
  let best = pool.trials.length;
  for (let i = 0; i < size; i++) best = Math.min(best, rng.int(0, pool.trials.length - 1));
  return pool.trials[best] as FrozenTrial;
}

/** Roulette wheel: a parent drawn with probability proportional to its weight. */
export function roulette(pool: Pool, rng: Rng): FrozenTrial {
  return pool.trials[rng.weightedIndex(pool.weights)] as FrozenTrial;
}

/** A Gaussian step of `scale` from u, reflected back into [0, 1] (no pile-up at the ends, unlike clipping). */
export function mutateUnit(u: number, scale: number, rng: Rng): number {
  let v = u + rng.normal(0, scale);
  for (let i = 0; i < 8 && (v < 0 || v > 1); i++) v = v < 0 ? -v : 2 - v;
  return Math.min(1, Math.max(0, v));
}

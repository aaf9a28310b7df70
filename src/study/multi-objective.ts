import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/state';

/**
 * The trial system attribute holding a trial's constraint values (≤ 0 feasible), Optuna's
 * `constraints` key, so Optuna's tools read what tfjs-tune stores.
 */
export const CONSTRAINTS_KEY = 'constraints';

import { dominates } from '../trial/dominates';

export { dominates };

/** A trial's constraint values, or null when none were recorded. */
export function constraintsOf(trial: FrozenTrial): number[] | null {
  const c = trial.systemAttrs[CONSTRAINTS_KEY];
  return Array.isArray(c) ? c.map(Number) : null;
}

/**
 * Sum of a trial's positive constraint values: 0 when feasible, NaN when it recorded none
 * (Optuna's penalty, which ranks such trials after every one that has constraints).
 */
export function totalViolation(trial: FrozenTrial): number {
  const c = constraintsOf(trial);
  if (c === null) return NaN;
  let sum = 0;
  for (const v of c) if (v > 0) sum += v;
  return sum;
}

/** Feasible: every constraint ≤ 0, or none recorded (as Optuna's best trials read them). */
export function isFeasible(trial: FrozenTrial): boolean {
  const c = constraintsOf(trial);
  return c === null || c.every((v) => v <= 0);
}

/**
 * Deb's constrained domination (Optuna's `_constrained_dominates`): a trial with constraints beats
 * one without; feasible beats infeasible; two feasible ones compare by Pareto dominance; two
 * infeasible ones by their total violation, the smaller winning.
 */
export function constrainedDominates(a: FrozenTrial, b: FrozenTrial, directions: readonly StudyDirection[]): boolean {
  const ca = constraintsOf(a);
  const cb = constraintsOf(b);
  if (ca === null || cb === null) {
    if (ca === null && cb === null) return dominates(a.values ?? [], b.values ?? [], directions);
    return cb === null;
  }
  const fa = ca.every((v) => v <= 0);
  const fb = cb.every((v) => v <= 0);
  if (fa && fb) return dominates(a.values ?? [], b.values ?? [], directions);
  if (fa !== fb) return fa;
  return totalViolation(a) < totalViolation(b);
}

/**
 * The completed feasible trials no other completed feasible trial dominates (duplicates of a
 * point all kept). Infeasible trials are never on it (Optuna's `best_trials`).
 */
export function paretoFront(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): FrozenTrial[] {
  const done = trials.filter((t) => t.state === 'COMPLETE' && t.values !== null && isFeasible(t));
  return done.filter((t) => !done.some((o) => o !== t && dominates(o.values ?? [], t.values ?? [], directions)));
}

/** Each trial's values as losses (maximised objectives negated): every objective minimised. */
export function lossVectors(trials: readonly FrozenTrial[], directions: readonly StudyDirection[]): Float64Array[] {
  const signs = directions.map((d) => (d === 'maximize' ? -1 : 1));
  return trials.map((t) => Float64Array.from(signs, (s, j) => s * ((t.values as readonly number[])[j] as number)));
}

function lossDominates(a: Float64Array, b: Float64Array): boolean {
  let better = false;
  for (let j = 0; j < a.length; j++) {
    if ((a[j] as number) > (b[j] as number)) return false;
    if ((a[j] as number) < (b[j] as number)) better = true;
  }
  return better;
}

/** Pareto rank of each loss vector (0 = non-dominated): Deb's fast non-dominated sort, O(m n²). */
function paretoRanks(losses: readonly Float64Array[]): Int32Array {
  const n = losses.length;
  const dominatedBy = new Int32Array(n);
  const beats: number[][] = losses.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (lossDominates(losses[i] as Float64Array, losses[j] as Float64Array)) {
        (beats[i] as number[]).push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (lossDominates(losses[j] as Float64Array, losses[i] as Float64Array)) {
        (beats[j] as number[]).push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  const ranks = new Int32Array(n);
  let front: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) front.push(i);
  for (let rank = 0; front.length > 0; rank++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (const j of beats[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    front = next;
  }
  return ranks;
}

/**
 * Non-domination rank of each loss vector, 0 best. With `penalty` (each point's total constraint
 * violation, NaN for none recorded; Optuna's `_fast_non_domination_rank`): the feasible points
 * (penalty ≤ 0) are sorted by Pareto dominance first; the infeasible ones follow, one rank per
 * distinct violation, smaller first; the points without constraints come last, Pareto-sorted.
 */
export function nonDominationRanks(losses: readonly Float64Array[], penalty?: ArrayLike<number>): Int32Array {
  if (penalty === undefined) return paretoRanks(losses);
  const n = losses.length;
  const ranks = new Int32Array(n);
  const feasible: number[] = [];
  const infeasible: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = penalty[i] as number;
    (Number.isNaN(p) ? unknown : p <= 0 ? feasible : infeasible).push(i);
  }
  let next = 0;
  const place = (group: number[], groupRanks: ArrayLike<number>): void => {
    let top = -1;
    group.forEach((i, k) => {
      ranks[i] = next + (groupRanks[k] as number);
      top = Math.max(top, groupRanks[k] as number);
    });
    next += top + 1;
  };
  place(feasible, paretoRanks(feasible.map((i) => losses[i] as Float64Array)));
  const levels = [...new Set(infeasible.map((i) => penalty[i] as number))].sort((a, b) => a - b);
  place(
    infeasible,
    infeasible.map((i) => levels.indexOf(penalty[i] as number)),
  );
  place(unknown, paretoRanks(unknown.map((i) => losses[i] as Float64Array)));
  return ranks;
}

/**
 * Crowding distance of each point of one front (Deb et al. 2002, as Optuna computes it): per
 * objective, the gap between a point's two neighbours over the objective's range, summed; the two
 * ends of each objective with a non-zero range are infinitely far. An objective whose values are
 * all equal adds nothing.
 */
export function crowdingDistances(losses: readonly Float64Array[]): Float64Array {
  const n = losses.length;
  const distance = new Float64Array(n);
  const m = losses[0]?.length ?? 0;
  for (let j = 0; j < m; j++) {
    const value = (i: number): number => (losses[i] as Float64Array)[j] as number;
    const order = losses.map((_, i) => i).sort((a, b) => value(a) - value(b) || a - b);
    const lo = value(order[0] as number);
    const width = value(order[n - 1] as number) - lo;
    if (!(width > 0) || !Number.isFinite(width)) continue;
    distance[order[0] as number] = Infinity;
    distance[order[n - 1] as number] = Infinity;
    for (let k = 1; k < n - 1; k++) {
      const i = order[k] as number;
      distance[i] = (distance[i] as number) + (value(order[k + 1] as number) - value(order[k - 1] as number)) / width;
    }
  }
  return distance;
}

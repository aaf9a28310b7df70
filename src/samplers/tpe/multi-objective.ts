import { contribution, hypervolume } from './hypervolume';

/**
 * MOTPE (Ozaki et al. 2020, as in Optuna): the "good" group is filled front by front of
 * non-dominated sorting; the front that does not fit whole is cut by greedy hypervolume subset
 * selection; inside the good group each trial is weighted by its hypervolume contribution.
 * Loss vectors here are minimised in every objective (maximised ones arrive negated).
 */

const EPS = 1e-12;

/** Reference point: 10 % beyond the worst value of each objective (Optuna's rule). */
function referencePoint(points: readonly Float64Array[]): Float64Array {
  const m = points[0]?.length ?? 0;
  const ref = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let worst = -Infinity;
    for (const p of points) worst = Math.max(worst, p[j] as number);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref[j] = r === 0 ? EPS : r;
  }
  return ref;
}

/** Strict Pareto dominance for minimisation. */
function dominates(a: Float64Array, b: Float64Array): boolean {
  let better = false;
  for (let j = 0; j < a.length; j++) {
    if ((a[j] as number) > (b[j] as number)) return false;
    if ((a[j] as number) < (b[j] as number)) better = true;
  }
  return better;
}

/**
 * Non-domination rank of each point (0 = Pareto front), peeling fronts only until `nBelow` points
 * are ranked; the rest get rank -1.
 */
export function nondominationRanks(points: readonly Float64Array[], nBelow: number): Int32Array {
  const n = points.length;
  const ranks = new Int32Array(n).fill(-1);
  const dominatedBy = new Int32Array(n);
  const dominating: number[][] = points.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i] as Float64Array;
      const b = points[j] as Float64Array;
      if (dominates(a, b)) {
        (dominating[i] as number[]).push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (dominates(b, a)) {
        (dominating[j] as number[]).push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  let front: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) front.push(i);
  let rank = 0;
  let ranked = 0;
  while (front.length > 0 && ranked < nBelow) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (const j of dominating[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    ranked += front.length;
    front = next.sort((a, b) => a - b);
    rank++;
  }
  return ranks;
}

/**
 * Greedy hypervolume subset selection of `k` of `points` (indices into it): each step takes the
 * point adding the most volume. Contributions only shrink as the selection grows, so stale ones
 * are upper bounds and only the leader needs recomputing (lazy greedy).
 */
export function selectByHypervolume(points: readonly Float64Array[], k: number): number[] {
  const n = points.length;
  if (k >= n) return points.map((_, i) => i);
  const ref = referencePoint(points);
  if (!ref.every(Number.isFinite)) return points.slice(0, k).map((_, i) => i);
  const bound = points.map((p) => contribution(p, [], ref));
  const fresh = new Uint8Array(n).fill(1);
  const chosen: number[] = [];
  const chosenPts: Float64Array[] = [];
  const taken = new Uint8Array(n);
  while (chosen.length < k) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (taken[i] === 0 && (best < 0 || (bound[i] as number) > (bound[best] as number))) best = i;
    }
    if (fresh[best] === 1) {
      taken[best] = 1;
      chosen.push(best);
      chosenPts.push(points[best] as Float64Array);
      fresh.fill(0);
      continue;
    }
    bound[best] = contribution(points[best] as Float64Array, chosenPts, ref);
    fresh[best] = 1;
  }
  return chosen;
}

/**
 * Weights of the good group's observations: each point's share of the hypervolume it alone covers,
 * relative to the largest share, clipped to [EPS, 1].
 */
export function hypervolumeWeights(points: readonly Float64Array[]): Float64Array {
  const n = points.length;
  if (n <= 1) return new Float64Array(n).fill(1);
  const ref = referencePoint(points);
  const total = hypervolume(points, ref);
  const contrib = points.map((_, i) => {
    const c =
      total -
      hypervolume(
        points.filter((__, j) => j !== i),
        ref,
      );
    return Number.isNaN(c) ? Infinity : c;
  });
  const maxC = Math.max(Math.max(...contrib), EPS);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = contrib[i] as number;
    // An infinite contribution (infinite losses) takes the whole weight; finite ones next to it, EPS.
    w[i] = Number.isFinite(maxC) ? Math.min(1, Math.max(EPS, c / maxC)) : Number.isFinite(c) ? EPS : 1;
  }
  return w;
}

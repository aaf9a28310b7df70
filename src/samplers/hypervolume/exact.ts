/**
 * Hypervolume of a set of loss vectors (every objective minimised) against a reference point: the
 * volume of the region the points dominate and the reference bounds. Exact in every dimension:
 * a sweep for 2 objectives (O(n log n)), a sweep of 2-D fronts for 3 (O(n²)), the WFG recursion
 * (While et al. 2012: each point's exclusive volume is its box minus the volume of the later points
 * limited to that box) beyond. Points that do not dominate the reference add nothing.
 */
export function hypervolume(points: readonly ArrayLike<number>[], ref: ArrayLike<number>): number {
  const m = ref.length;
  const inside = points.filter((p) => {
    for (let j = 0; j < m; j++) if (!((p[j] as number) < (ref[j] as number))) return false;
    return true;
  });
  if (inside.length === 0) return 0;
  if (m === 1) return (ref[0] as number) - Math.min(...inside.map((p) => p[0] as number));
  if (m === 2) return sweep2d(inside, ref);
  if (m === 3) return sweep3d(inside, ref);
  return wfg(nonDominated(inside.map((p) => Float64Array.from(p))), Float64Array.from(ref));
}

function sweep2d(pts: readonly ArrayLike<number>[], ref: ArrayLike<number>): number {
  const sorted = pts.slice().sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let volume = 0;
  let lastY = ref[1] as number;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < lastY) {
      volume += ((ref[0] as number) - (p[0] as number)) * (lastY - y);
      lastY = y;
    }
  }
  return volume;
}

/**
 * Points sorted by the third objective; between two consecutive heights the dominated region's
 * cross-section is the 2-D hypervolume of the points seen so far, kept as a staircase (x rising,
 * y falling) updated per insertion.
 */
function sweep3d(pts: readonly ArrayLike<number>[], ref: ArrayLike<number>): number {
  const sorted = pts.slice().sort((a, b) => (a[2] as number) - (b[2] as number));
  const rx = ref[0] as number;
  const ry = ref[1] as number;
  const xs: number[] = [];
  const ys: number[] = [];
  let area = 0;
  let volume = 0;
  for (let k = 0; k < sorted.length; k++) {
    const p = sorted[k] as ArrayLike<number>;
    area = insertStep(xs, ys, p[0] as number, p[1] as number, area, rx, ry);
    const top = k + 1 < sorted.length ? ((sorted[k + 1] as ArrayLike<number>)[2] as number) : (ref[2] as number);
    volume += area * (top - (p[2] as number));
  }
  return volume;
}

/** Adds (x, y) to the staircase `xs` (rising) / `ys` (falling); returns the new dominated area. */
function insertStep(xs: number[], ys: number[], x: number, y: number, area: number, rx: number, ry: number): number {
  // i: the first step with xs[i] >= x. (x, y) is dominated by the step before it when that
  // step's y <= y, or by step i itself when it has the same x and y <= y.
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  const i = lo;
  if (i > 0 && (ys[i - 1] as number) <= y) return area;
  if (i < xs.length && xs[i] === x && (ys[i] as number) <= y) return area;
  // Steps from i on with ys >= y are now dominated by (x, y).
  let j = i;
  while (j < xs.length && (ys[j] as number) >= y) j++;
  // Area before: the region under the removed steps; after: under (x, y) up to the next step.
  const yAbove = i > 0 ? (ys[i - 1] as number) : ry;
  const nextX = j < xs.length ? (xs[j] as number) : rx;
  let removed = 0;
  for (let k = i; k < j; k++) {
    const right = k + 1 < xs.length ? (xs[k + 1] as number) : rx;
    removed += (right - (xs[k] as number)) * (yAbove - (ys[k] as number));
  }
  const added = (nextX - x) * (yAbove - y);
  xs.splice(i, j - i, x);
  ys.splice(i, j - i, y);
  return area - removed + added;
}

function box(p: Float64Array, ref: Float64Array): number {
  let v = 1;
  for (let j = 0; j < ref.length; j++) v *= (ref[j] as number) - (p[j] as number);
  return v;
}

/** WFG's recursion over non-dominated points sorted by the first objective. */
function wfg(pts: Float64Array[], ref: Float64Array): number {
  if (ref.length <= 3) return hypervolume(pts, ref);
  pts.sort((a, b) => (a[0] as number) - (b[0] as number));
  let total = 0;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i] as Float64Array;
    total += box(p, ref) - wfg(limitSet(pts, i + 1, p), ref);
  }
  return total;
}

/** `pts[from..]` each clipped to the part dominated by `p`, without the ones that then are dominated. */
function limitSet(pts: readonly Float64Array[], from: number, p: Float64Array): Float64Array[] {
  const limited: Float64Array[] = [];
  for (let i = from; i < pts.length; i++) {
    const q = pts[i] as Float64Array;
    limited.push(q.map((v, j) => Math.max(p[j] as number, v)));
  }
  return nonDominated(limited);
}

/** The points no other weakly dominates (of equal points, the first). */
export function nonDominated(pts: readonly Float64Array[]): Float64Array[] {
  return pts.filter(
    (a, i) => !pts.some((b, k) => k !== i && weaklyDominates(b, a) && (k < i || !weaklyDominates(a, b))),
  );
}

/** b <= a in every coordinate. */
function weaklyDominates(b: Float64Array, a: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if ((b[j] as number) > (a[j] as number)) return false;
  return true;
}

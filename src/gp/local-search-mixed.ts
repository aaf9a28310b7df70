import { type AcquisitionEvaluator, scoreWith, valuesAndGradients } from './acquisition-batch';
import { minimizeLBFGSBatched, type ValueAndGradient } from './lbfgs';
import type { EncodedParam, SearchSpaceEncoding } from './search-space-encoding';

export interface MixedLocalSearchOptions {
  readonly evaluate: AcquisitionEvaluator;
  readonly encoding: SearchSpaceEncoding;
  /**
   * Lengthscale of each encoded column (1 / sqrt of the inverse squared lengthscale). The gradient
   * steps work in x / lengthscale, where the acquisition varies about equally fast along every
   * axis, which L-BFGS converges on in far fewer steps. Default 1 (no rescaling).
   */
  readonly lengthscales?: ArrayLike<number>;
  /** As Optuna's `tol`: the gradient steps stop once the projected gradient is below sqrt(tol). Default 1e-4. */
  readonly tol?: number;
  /** L-BFGS iterations per gradient phase. Default 200 (Optuna's). */
  readonly maxIterations?: number;
  /** Rounds of gradient phase + discrete pass. Default 100 (Optuna's). */
  readonly maxRounds?: number;
}

export interface MixedLocalSearchResult {
  readonly xs: Float64Array[];
  readonly values: Float64Array;
  /** Whether the search moved each start at all. */
  readonly moved: boolean[];
}

/** Up to this many values, an int or stepped float is searched exhaustively (as Optuna). */
const EXHAUSTIVE_MAX = 16;
/** "The last change was a gradient phase" in the per-start bookkeeping. */
const CONTINUOUS = -1;
const GOLDEN = (3 - Math.sqrt(5)) / 2;

/**
 * Local maximisation of the acquisition from each start (Optuna's `local_search_mixed_batched`):
 * rounds of (1) bounded L-BFGS on the continuous columns of all starts at once, each iteration one
 * batched tensor call with gradients by tfjs autodiff, then (2) for each int, stepped float and
 * categorical in turn, the best value of that parameter with the others fixed — every value when
 * there are at most 16 (all starts in one call), a golden-section line search over the interpolated
 * grid otherwise. A start is done once a round changed nothing, or once the parameter about to be
 * searched was the last thing that changed it. Ints are never rounded from a continuous optimum:
 * the acquisition often peaks between two grid points, where rounding can land on the worse one.
 * Starts must lie on the grid (snapped). Float32 tensors, float64 search state: the line search's
 * Armijo test and the stopping rules tolerate float32 noise in the values (~1e-7 relative).
 */
export function localSearchMixed(
  options: MixedLocalSearchOptions,
  starts: readonly Float64Array[],
): MixedLocalSearchResult {
  const { evaluate, encoding } = options;
  const xs = starts.map((s) => s.slice());
  const values = scoreWith(evaluate, xs);
  const moved = xs.map(() => false);
  const discrete = encoding.params.filter((p) =>
    p.distribution.type === 'categorical' ? p.size > 1 : (encoding.grid(p)?.length ?? 0) > 1,
  );
  const last = new Int32Array(xs.length).fill(CONTINUOUS);
  let remaining = Array.from(xs.keys());
  const maxRounds = options.maxRounds ?? 100;
  for (let round = 0; round < maxRounds && remaining.length > 0; round++) {
    for (const i of gradientPhase(options, xs, values, remaining)) {
      last[i] = CONTINUOUS;
      moved[i] = true;
    }
    for (const [k, p] of discrete.entries()) {
      remaining = remaining.filter((i) => last[i] !== k);
      if (remaining.length === 0) break;
      for (const i of discretePass(options, p, xs, values, remaining)) {
        last[i] = k;
        moved[i] = true;
      }
    }
    remaining = remaining.filter((i) => last[i] !== CONTINUOUS);
  }
  return { xs, values, moved };
}

/** Better than `current` (any finite value beats a non-finite one). */
function improves(value: number, current: number): boolean {
  return Number.isFinite(value) && (!Number.isFinite(current) || value > current);
}

/** Bounded L-BFGS on the continuous columns of the given starts; returns those it improved. */
function gradientPhase(
  options: MixedLocalSearchOptions,
  xs: Float64Array[],
  values: Float64Array,
  which: readonly number[],
): number[] {
  const { encoding, evaluate } = options;
  const columns = Array.from(encoding.continuousColumns.keys()).filter((c) => encoding.continuousColumns[c] === 1);
  if (columns.length === 0 || which.length === 0) return [];
  const scale = Float64Array.from(columns, (c) => {
    const l = options.lengthscales?.[c] ?? 1;
    return Number.isFinite(l) && l > 0 ? l : 1;
  });
  const toPoint = (start: number, z: Float64Array): Float64Array => {
    const x = (xs[start] as Float64Array).slice();
    columns.forEach((c, j) => (x[c] = Math.min(1, Math.max(0, (z[j] as number) * (scale[j] as number)))));
    return x;
  };
  // Minimise -acquisition of z = x / lengthscale over the box [0, 1 / lengthscale].
  const f = (zs: readonly Float64Array[], searches: readonly number[]): ValueAndGradient[] => {
    const points = zs.map((z, k) => toPoint(which[searches[k] as number] as number, z));
    const { values: v, grads } = valuesAndGradients(evaluate, points);
    return points.map((_, k) => {
      const g = grads[k] as Float64Array;
      const grad = Float64Array.from(columns, (c, j) => -(g[c] as number) * (scale[j] as number));
      const value = -(v[k] as number);
      return { value: Number.isFinite(value) && grad.every(Number.isFinite) ? value : Infinity, grad };
    });
  };
  const upper = Float64Array.from(scale, (l) => 1 / l);
  const results = minimizeLBFGSBatched(
    f,
    which.map((i) =>
      Float64Array.from(columns, (c, j) => ((xs[i] as Float64Array)[c] as number) / (scale[j] as number)),
    ),
    {
      lower: new Float64Array(columns.length),
      upper,
      gtol: Math.sqrt(options.tol ?? 1e-4),
      // Stop when a step gains less than float32 can resolve in the value.
      ftol: 1e-7,
      maxIterations: options.maxIterations ?? 200,
    },
  );
  const improved: number[] = [];
  results.forEach((r, k) => {
    const i = which[k] as number;
    const value = -r.value;
    if (r.iterations > 0 && improves(value, values[i] as number)) {
      xs[i] = toPoint(i, r.x);
      values[i] = value;
      improved.push(i);
    }
  });
  return improved;
}

/** The best value of one discrete parameter for each given start, the others fixed; returns the starts it improved. */
function discretePass(
  options: MixedLocalSearchOptions,
  p: EncodedParam,
  xs: Float64Array[],
  values: Float64Array,
  which: readonly number[],
): number[] {
  const grid = options.encoding.grid(p);
  if (grid !== null && grid.length > EXHAUSTIVE_MAX) {
    return which.filter((i) => lineSearch(options, p, grid, xs, values, i));
  }
  // Exhaustive: every other value of the parameter for every start, scored in one call.
  const variants: Float64Array[] = [];
  const owner: number[] = [];
  for (const i of which) {
    const x = xs[i] as Float64Array;
    for (const q of alternatives(p, grid, x)) {
      variants.push(q);
      owner.push(i);
    }
  }
  const scores = scoreWith(options.evaluate, variants);
  const improved = new Set<number>();
  variants.forEach((q, k) => {
    const i = owner[k] as number;
    if (improves(scores[k] as number, values[i] as number)) {
      xs[i] = q;
      values[i] = scores[k] as number;
      improved.add(i);
    }
  });
  return which.filter((i) => improved.has(i));
}

/** x with each other value of p: another one-hot choice, or another grid point. */
function alternatives(p: EncodedParam, grid: Float64Array | null, x: Float64Array): Float64Array[] {
  const out: Float64Array[] = [];
  if (grid === null) {
    for (let j = 0; j < p.size; j++) {
      if (x[p.start + j] === 1) continue;
      const q = x.slice();
      q.fill(0, p.start, p.start + p.size);
      q[p.start + j] = 1;
      out.push(q);
    }
    return out;
  }
  const current = nearest(grid, x[p.start] as number);
  grid.forEach((g, j) => {
    if (j === current) return;
    const q = x.slice();
    q[p.start] = g;
    out.push(q);
  });
  return out;
}

function nearest(grid: Float64Array, v: number): number {
  let lo = 0;
  let hi = grid.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((grid[mid] as number) <= v) lo = mid;
    else hi = mid;
  }
  return Math.abs(v - (grid[lo] as number)) <= Math.abs(v - (grid[hi] as number)) ? lo : hi;
}

/**
 * Golden-section search for the minimum of -acquisition, linearly interpolated between grid points
 * (each grid point scored once), bracketed by the grid's ends (taken as +Infinity) and the current
 * value — Optuna's Brent search on the same interpolation, down to a quarter of the smallest grid
 * gap. Moves start i to the nearest grid point of the minimum when that scores better.
 */
function lineSearch(
  options: MixedLocalSearchOptions,
  p: EncodedParam,
  grid: Float64Array,
  xs: Float64Array[],
  values: Float64Array,
  i: number,
): boolean {
  const x = (xs[i] as Float64Array).slice();
  const current = nearest(grid, x[p.start] as number);
  const start = -(values[i] as number);
  const cache = new Map<number, number>([[current, Number.isFinite(start) ? start : Infinity]]);
  const at = (j: number): number => {
    const hit = cache.get(j);
    if (hit !== undefined) return hit;
    x[p.start] = grid[j] as number;
    const v = -(scoreWith(options.evaluate, [x])[0] as number);
    const value = Number.isFinite(v) ? v : Infinity;
    cache.set(j, value);
    return value;
  };
  const first = grid[0] as number;
  const lastIndex = grid.length - 1;
  const interpolated = (u: number): number => {
    if (u < first || u > (grid[lastIndex] as number)) return Infinity;
    const right = Math.min(lastIndex, Math.max(1, upperIndex(grid, u)));
    const left = right - 1;
    const w = ((grid[right] as number) - u) / ((grid[right] as number) - (grid[left] as number));
    const a = at(left);
    const b = at(right);
    // Infinity * 0 is NaN: an end that does not count must not poison the other.
    return w === 0 ? b : w === 1 ? a : w * a + (1 - w) * b;
  };
  let minGap = Infinity;
  for (let j = 1; j < grid.length; j++) minGap = Math.min(minGap, (grid[j] as number) - (grid[j - 1] as number));
  const xtol = minGap / 4;
  let a = first - 1e-12;
  let b = (grid[lastIndex] as number) + 1e-12;
  let m = grid[current] as number;
  let fm = at(current);
  for (let step = 0; step < 100 && b - a > 2 * xtol; step++) {
    const right = b - m > m - a;
    const u = right ? m + GOLDEN * (b - m) : m - GOLDEN * (m - a);
    const fu = interpolated(u);
    if (fu < fm) {
      if (right) a = m;
      else b = m;
      m = u;
      fm = fu;
    } else if (right) {
      b = u;
    } else {
      a = u;
    }
  }
  const best = nearest(grid, m);
  const value = -at(best);
  if (best === current || !improves(value, values[i] as number)) return false;
  x[p.start] = grid[best] as number;
  xs[i] = x;
  values[i] = value;
  return true;
}

/** The first index whose grid value is >= u (numpy's searchsorted, left). */
function upperIndex(grid: Float64Array, u: number): number {
  let lo = 0;
  let hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((grid[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

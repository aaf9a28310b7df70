import type { Rng } from '../../random';

/**
 * A regression tree as flat arrays (scikit-learn's `tree_` layout): node `i` splits on
 * `feature[i]` at `threshold[i]` (left: value <= threshold) or is a leaf (`feature[i] === -1`)
 * predicting `value[i]`. `weight` is the node's (bootstrap-weighted) sample count and `impurity`
 * its weighted variance, which mean decrease in impurity needs.
 */
export interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly weight: Float64Array;
  readonly impurity: Float64Array;
}

/** The forest Optuna's fANOVA and MDI evaluators fit (scikit-learn's `RandomForestRegressor`). */
export interface ForestOptions {
  readonly nTrees: number;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
}

// scikit-learn treats values closer than this as equal when it looks for a threshold between them.
const FEATURE_THRESHOLD = 1e-7;
// A node whose variance is at most this is pure (scikit-learn's EPSILON in its tree builder).
const PURE = Number.EPSILON;

/**
 * Fits `nTrees` CART regression trees, each on a bootstrap sample of the rows, considering every
 * feature at every split (scikit-learn's regressor default `max_features=1.0`) in an order drawn
 * from `rng`, so that ties between equally good splits fall the same way for one seed.
 * `columns[f][i]` is feature `f` of row `i`.
 */
export function fitForest(
  columns: readonly Float64Array[],
  y: Float64Array,
  options: ForestOptions,
  rng: Rng,
): RegressionTree[] {
  const n = y.length;
  const trees: RegressionTree[] = [];
  for (let t = 0; t < options.nTrees; t++) {
    const treeRng = rng.derive('tree', t);
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(treeRng.next() * n);
      counts[pick] = (counts[pick] as number) + 1;
    }
    trees.push(fitTree(columns, y, counts, options, treeRng));
  }
  return trees;
}

interface Builder {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  weight: number[];
  impurity: number[];
}

function fitTree(
  columns: readonly Float64Array[],
  y: Float64Array,
  w: Float64Array,
  options: ForestOptions,
  rng: Rng,
): RegressionTree {
  const b: Builder = { feature: [], threshold: [], left: [], right: [], value: [], weight: [], impurity: [] };
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if ((w[i] as number) > 0) rows.push(i);
  // Depth-first with an explicit stack; children are numbered as they are created, like scikit-learn.
  const stack: { rows: number[]; depth: number; parent: number; isLeft: boolean }[] = [
    { rows, depth: 0, parent: -1, isLeft: false },
  ];
  while (stack.length > 0) {
    const job = stack.pop() as (typeof stack)[number];
    const node = b.feature.length;
    if (job.parent >= 0) (job.isLeft ? b.left : b.right)[job.parent] = node;
    let sw = 0;
    let sy = 0;
    let syy = 0;
    for (const i of job.rows) {
      const wi = w[i] as number;
      const yi = y[i] as number;
      sw += wi;
      sy += wi * yi;
      syy += wi * yi * yi;
    }
    const mean = sy / sw;
    const impurity = Math.max(0, syy / sw - mean * mean);
    b.feature.push(-1);
    b.threshold.push(NaN);
    b.left.push(-1);
    b.right.push(-1);
    b.value.push(mean);
    b.weight.push(sw);
    b.impurity.push(impurity);
    const canSplit =
      job.depth < options.maxDepth &&
      job.rows.length >= options.minSamplesSplit &&
      job.rows.length >= 2 * options.minSamplesLeaf &&
      impurity > PURE;
    if (!canSplit) continue;
    const split = bestSplit(columns, y, w, job.rows, sw, sy, options.minSamplesLeaf, rng);
    if (split === null) continue;
    b.feature[node] = split.feature;
    b.threshold[node] = split.threshold;
    const col = columns[split.feature] as Float64Array;
    const leftRows = job.rows.filter((i) => (col[i] as number) <= split.threshold);
    const rightRows = job.rows.filter((i) => (col[i] as number) > split.threshold);
    // Right pushed first so the left child gets the next number (scikit-learn's order).
    stack.push({ rows: rightRows, depth: job.depth + 1, parent: node, isLeft: false });
    stack.push({ rows: leftRows, depth: job.depth + 1, parent: node, isLeft: true });
  }
  return {
    feature: Int32Array.from(b.feature),
    threshold: Float64Array.from(b.threshold),
    left: Int32Array.from(b.left),
    right: Int32Array.from(b.right),
    value: Float64Array.from(b.value),
    weight: Float64Array.from(b.weight),
    impurity: Float64Array.from(b.impurity),
  };
}

/** The split with the largest decrease in squared error, or null when every feature is constant. */
function bestSplit(
  columns: readonly Float64Array[],
  y: Float64Array,
  w: Float64Array,
  rows: readonly number[],
  sw: number,
  sy: number,
  minSamplesLeaf: number,
  rng: Rng,
): { feature: number; threshold: number } | null {
  const order = columns.map((_, f) => f);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  let best: { feature: number; threshold: number } | null = null;
  // Maximising sum_L^2 / w_L + sum_R^2 / w_R is minimising the children's squared error.
  let bestProxy = -Infinity;
  for (const f of order) {
    const col = columns[f] as Float64Array;
    const sorted = rows.slice().sort((a, c) => (col[a] as number) - (col[c] as number));
    const first = col[sorted[0] as number] as number;
    const last = col[sorted[sorted.length - 1] as number] as number;
    if (last <= first + FEATURE_THRESHOLD) continue;
    let lw = 0;
    let ly = 0;
    for (let k = 0; k < sorted.length - 1; k++) {
      const i = sorted[k] as number;
      lw += w[i] as number;
      ly += (w[i] as number) * (y[i] as number);
      const here = col[i] as number;
      const next = col[sorted[k + 1] as number] as number;
      if (next <= here + FEATURE_THRESHOLD) continue;
      if (k + 1 < minSamplesLeaf || sorted.length - k - 1 < minSamplesLeaf) continue;
      const rw = sw - lw;
      const ry = sy - ly;
      const proxy = (ly * ly) / lw + (ry * ry) / rw;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        let threshold = here / 2 + next / 2;
        if (threshold === next || !Number.isFinite(threshold)) threshold = here;
        best = { feature: f, threshold };
      }
    }
  }
  return best;
}

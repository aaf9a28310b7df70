import type { RegressionTree } from './random-forest';

/**
 * One tree's functional ANOVA (Hutter et al., 2014): the tree is a piecewise-constant function on
 * the search-space box, each leaf a sub-box; with every point of the box equally likely, its
 * variance splits into the variances of its marginals. `leaves` holds each leaf's box.
 */
export interface FanovaTree {
  readonly variance: number;
  marginalVariance(features: readonly number[]): number;
}

export function fanovaTree(tree: RegressionTree, bounds: readonly (readonly [number, number])[]): FanovaTree {
  const d = bounds.length;
  const leafValues: number[] = [];
  const leafLow: Float64Array[] = [];
  const leafHigh: Float64Array[] = [];
  const splits: Set<number>[] = bounds.map(() => new Set<number>());
  const stack: { node: number; low: Float64Array; high: Float64Array }[] = [
    { node: 0, low: Float64Array.from(bounds, (b) => b[0]), high: Float64Array.from(bounds, (b) => b[1]) },
  ];
  while (stack.length > 0) {
    const { node, low, high } = stack.pop() as (typeof stack)[number];
    const f = tree.feature[node] as number;
    if (f < 0) {
      leafValues.push(tree.value[node] as number);
      leafLow.push(low);
      leafHigh.push(high);
      continue;
    }
    const t = tree.threshold[node] as number;
    (splits[f] as Set<number>).add(t);
    const leftHigh = high.slice();
    leftHigh[f] = Math.min(high[f] as number, t);
    const rightLow = low.slice();
    rightLow[f] = Math.max(low[f] as number, t);
    stack.push({ node: tree.right[node] as number, low: rightLow, high });
    stack.push({ node: tree.left[node] as number, low, high: leftHigh });
  }
  const widths = bounds.map((b) => b[1] - b[0]);
  // A leaf's share of the box along feature f.
  const share = (leaf: number, f: number): number =>
    ((leafHigh[leaf] as Float64Array)[f]! - (leafLow[leaf] as Float64Array)[f]!) / (widths[f] as number);
  const volumes = leafValues.map((_, l) => {
    let v = 1;
    for (let f = 0; f < d; f++) v *= share(l, f);
    return v;
  });
  const variance = weightedVariance(leafValues, volumes);

  // The cells the tree's thresholds cut feature f into: their midpoints and widths.
  const cells = splits.map((set, f) => {
    const [lo, hi] = bounds[f] as readonly [number, number];
    const points = [lo, ...[...set].sort((a, b) => a - b), hi];
    const mids: number[] = [];
    const sizes: number[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      mids.push(((points[i] as number) + (points[i + 1] as number)) / 2);
      sizes.push((points[i + 1] as number) - (points[i] as number));
    }
    return { mids, sizes };
  });

  function marginalVariance(features: readonly number[]): number {
    // Each leaf's volume over the features marginalised out (those not in `features`).
    const inSet = new Set(features);
    const otherVolume = leafValues.map((_, l) => {
      let v = 1;
      for (let f = 0; f < d; f++) if (!inSet.has(f)) v *= share(l, f);
      return v;
    });
    const values: number[] = [];
    const weights: number[] = [];
    // Every combination of the features' cells (Optuna does the same for a categorical's one-hot
    // columns, combinations no trial can take included).
    const index = features.map(() => 0);
    for (;;) {
      let prediction = 0;
      let mass = 0;
      for (let l = 0; l < leafValues.length; l++) {
        let inside = true;
        for (let k = 0; k < features.length && inside; k++) {
          const f = features[k] as number;
          const x = (cells[f] as { mids: number[] }).mids[index[k] as number] as number;
          inside = x >= (leafLow[l] as Float64Array)[f]! && x <= (leafHigh[l] as Float64Array)[f]!;
        }
        if (!inside) continue;
        prediction += (leafValues[l] as number) * (otherVolume[l] as number);
        mass += otherVolume[l] as number;
      }
      let size = 1;
      features.forEach((f, k) => (size *= (cells[f] as { sizes: number[] }).sizes[index[k] as number] as number));
      values.push(prediction / mass);
      weights.push(size);
      let k = 0;
      while (k < features.length) {
        const f = features[k] as number;
        index[k] = (index[k] as number) + 1;
        if ((index[k] as number) < (cells[f] as { mids: number[] }).mids.length) break;
        index[k] = 0;
        k++;
      }
      if (k === features.length) break;
    }
    return Math.max(0, weightedVariance(values, weights));
  }

  return { variance, marginalVariance };
}

function weightedVariance(values: readonly number[], weights: readonly number[]): number {
  let sw = 0;
  let mean = 0;
  values.forEach((v, i) => {
    sw += weights[i] as number;
    mean += v * (weights[i] as number);
  });
  mean /= sw;
  let variance = 0;
  values.forEach((v, i) => (variance += (weights[i] as number) * (v - mean) * (v - mean)));
  return variance / sw;
}

import { InvalidArgumentError } from '../../src/errors';
import { syntheticTabular, trainValTestSplit, type Dataset } from '../../src/api/datasets';
import { softmaxAccuracy } from './helpers';

const rowsOf = (ds: Dataset, cols?: number[]): number[][] => {
  const d = ds.xShape[1] as number;
  return Array.from({ length: ds.xShape[0] as number }, (_, i) => {
    const row = Array.from(ds.x.subarray(i * d, (i + 1) * d));
    return cols === undefined ? row : cols.map((c) => row[c] as number);
  });
};

/** k-nearest-neighbour accuracy (Euclidean): a model that can follow a curved boundary. */
function knnAccuracy(train: number[][], yTrain: Int32Array, test: number[][], yTest: Int32Array, k = 7): number {
  let ok = 0;
  test.forEach((q, i) => {
    const near = train
      .map((x, j) => ({ j, d: x.reduce((s, v, c) => s + (v - (q[c] as number)) ** 2, 0) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    const votes = new Map<number, number>();
    for (const { j } of near) votes.set(yTrain[j] as number, (votes.get(yTrain[j] as number) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (best === yTest[i]) ok++;
  });
  return ok / test.length;
}

/** Least-squares residual variance share (1 − R²) of column `target` on columns `from`, via normal equations. */
function unexplained(rows: number[][], target: number, from: number[]): number {
  const p = from.length + 1;
  const w = p + 1; // augmented matrix [XᵀX | Xᵀy], row-major
  const a = new Float64Array(p * w);
  const get = (i: number, j: number): number => a[i * w + j] as number;
  const features = (r: number[]): number[] => [...from.map((c) => r[c] as number), 1];
  for (const r of rows) {
    const f = features(r);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) a[i * w + j] = get(i, j) + (f[i] as number) * (f[j] as number);
      a[i * w + p] = get(i, p) + (f[i] as number) * (r[target] as number);
    }
  }
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < p; k++) {
      if (k === i) continue;
      const factor = get(k, i) / get(i, i);
      for (let j = i; j <= p; j++) a[k * w + j] = get(k, j) - factor * get(i, j);
    }
  }
  const coef = Array.from({ length: p }, (_, i) => get(i, p) / get(i, i));
  const ys = rows.map((r) => r[target] as number);
  const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
  let res = 0;
  let tot = 0;
  rows.forEach((r, n) => {
    const fit = features(r).reduce((s, v, i) => s + v * (coef[i] as number), 0);
    res += ((ys[n] as number) - fit) ** 2;
    tot += ((ys[n] as number) - mean) ** 2;
  });
  return res / tot;
}

describe('syntheticTabular', () => {
  it('lays out informative, redundant and noise columns, with balanced classes', () => {
    const ds = syntheticTabular({
      nTrain: 600,
      nVal: 0,
      nFeatures: 10,
      nInformative: 4,
      nRedundant: 3,
      classes: 3,
      noise: 0,
      seed: 1,
    }).train;
    expect(ds.xShape).toEqual([600, 10]);
    expect(ds.numClasses).toBe(3);
    expect(ds.featureNames).toEqual([
      'informative_0',
      'informative_1',
      'informative_2',
      'informative_3',
      'redundant_0',
      'redundant_1',
      'redundant_2',
      'noise_0',
      'noise_1',
      'noise_2',
    ]);
    for (let k = 0; k < 3; k++) expect(ds.y.filter((v) => v === k).length).toBe(200);
    const rows = rowsOf(ds);
    // Redundant columns are exact linear mixes of the informative ones; noise columns are not.
    expect(unexplained(rows, 4, [0, 1, 2, 3])).toBeLessThan(1e-6);
    expect(unexplained(rows, 7, [0, 1, 2, 3])).toBeGreaterThan(0.9);
  });

  it('has a non-linear boundary: nearest neighbours beat a linear model on the informative features', () => {
    // Four clusters a class on the eight corners of a cube: the classes interleave like a 3-D XOR.
    const ds = syntheticTabular({
      nTrain: 1500,
      nVal: 0,
      nFeatures: 8,
      nInformative: 3,
      classes: 2,
      clustersPerClass: 4,
      classSep: 1.5,
      noise: 0,
      seed: 7,
    }).train;
    const { train, val } = trainValTestSplit(ds, { valFraction: 1 / 3, seed: 0 });
    const linear = softmaxAccuracy(rowsOf(train), train.y, rowsOf(val), val.y, 2).test;
    const knn = knnAccuracy(rowsOf(train, [0, 1, 2]), train.y, rowsOf(val, [0, 1, 2]), val.y);
    expect(knn).toBeGreaterThan(0.8);
    expect(knn).toBeGreaterThan(linear + 0.1);
  });

  it('flips about `noise` of the labels', () => {
    const clean = syntheticTabular({ nTrain: 2000, nVal: 0, seed: 3, noise: 0 }).train;
    const noisy = syntheticTabular({ nTrain: 2000, nVal: 0, seed: 3, noise: 0.2 }).train;
    expect(Buffer.from(noisy.x.buffer).equals(Buffer.from(clean.x.buffer))).toBe(true);
    const changed = noisy.y.filter((v, i) => v !== clean.y[i]).length / 2000;
    expect(changed).toBeGreaterThan(0.07); // half the flips land on the same class
    expect(changed).toBeLessThan(0.13);
  });

  it('makes a standardised regression target that depends on the informative features', () => {
    const ds = syntheticTabular({
      nTrain: 2000,
      nVal: 0,
      nFeatures: 8,
      nInformative: 4,
      task: 'regression',
      noise: 0.1,
      seed: 2,
    }).train;
    expect(ds.numClasses).toBe(0);
    expect(ds.y.length).toBe(0);
    const y = ds.yReal as Float32Array;
    expect(y.length).toBe(2000);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    // Partly linear, partly not: a linear fit explains some but far from all of the variance.
    const rows = rowsOf(ds).map((r, i) => [...r, y[i] as number]);
    const rest = unexplained(rows, 8, [0, 1, 2, 3]);
    expect(rest).toBeGreaterThan(0.2);
    expect(rest).toBeLessThan(0.95);
    expect(unexplained(rows, 8, [6, 7])).toBeGreaterThan(0.98); // the noise columns explain nothing
  });

  it('is deterministic by seed and checks its arguments', () => {
    expect(syntheticTabular({ nTrain: 50, nVal: 0, seed: 9 }).train.x).toEqual(
      syntheticTabular({ nTrain: 50, nVal: 0, seed: 9 }).train.x,
    );
    expect(syntheticTabular({ nTrain: 50, nVal: 0, seed: 9 }).train.x).not.toEqual(
      syntheticTabular({ nTrain: 50, nVal: 0, seed: 10 }).train.x,
    );
    expect(() => syntheticTabular({ nTrain: 10, nVal: 0, nFeatures: 3, nInformative: 5, seed: 0 }).train).toThrow(
      /^nInformative/,
    );
    expect(() => syntheticTabular({ nTrain: 10, nVal: 0, nInformative: 2, classes: 3, seed: 0 }).train).toThrow(
      InvalidArgumentError,
    );
    expect(() => syntheticTabular({ nTrain: 10, nVal: 0, seed: 0, task: 'ranking' as 'regression' }).train).toThrow(
      /^task/,
    );
  });
});

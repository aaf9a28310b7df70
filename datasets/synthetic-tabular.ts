import { InvalidArgumentError } from '../src/errors';
import { Rng } from '../src/random';
import { balancedLabels, subset } from './dataset-ops';
import type { Dataset, DatasetSplits } from './types';
import { checkInt, checkOneOf, checkRange, checkSeed } from './validate';

export interface SyntheticTabularOptions {
  nTrain: number;
  nVal: number;
  nTest?: number;
  nFeatures?: number;
  /** Features the target depends on. */
  nInformative?: number;
  /** Random linear combinations of the informative features. Default: min(2, nFeatures − nInformative). */
  nRedundant?: number;
  /** Classification only; 2 or more. */
  classes?: number;
  /**
   * Classification: the fraction of labels replaced by a random class (sklearn's `flip_y`).
   * Regression: the standard deviation of Gaussian noise added to the standardised target.
   */
  noise?: number;
  /** Seeds every draw; the same seed, the same data. Default 0. */
  seed?: number | string;
  task?: 'classification' | 'regression';
  /** Classification: Gaussian clusters per class, at distinct hypercube vertices. */
  clustersPerClass?: number;
  /** Classification: half the side of the hypercube the cluster centres sit on (sklearn's `class_sep`). */
  classSep?: number;
}

/**
 * A table in the manner of sklearn's `make_classification` / a Friedman-style regression.
 * Columns, in this order (see `featureNames`): `informative_*`, `redundant_*` (random linear mixes of
 * the informative ones: correlated, useless once those are known), `noise_*` (independent N(0, 1)).
 *
 * Classification: each class is `clustersPerClass` Gaussian clusters (each with its own random
 * covariance) centred on distinct random vertices of a hypercube; with two or more clusters per class
 * the classes interleave, so the boundary is not linear (a linear model underfits, trees and MLPs
 * do better). Labels are balanced before `noise` flips some.
 * Regression: `y = Σ wᵢxᵢ + Σ 2·sin(x₂ⱼ·x₂ⱼ₊₁)` (+ a square term for an odd last informative
 * feature) over the informative features, standardised, plus N(0, noise²); in `yReal`, `numClasses` 0.
 *
 * Returns its splits, as every generator and loader does: one table of `nTrain + nVal + nTest` rows
 * from one stream (the same clusters and weights for all), cut in that order; labels are balanced
 * within each split. `test` is there when `nTest` > 0.
 */
export function syntheticTabular(options: SyntheticTabularOptions): DatasetSplits {
  const { nTrain, nVal, nTest = 0 } = options;
  checkInt('nTrain', nTrain, 0);
  checkInt('nVal', nVal, 0);
  checkInt('nTest', nTest, 0);
  const table = generateTable({ ...options, n: nTrain + nVal + nTest });
  const cut = (from: number, count: number): Dataset =>
    subset(
      table,
      range(count).map((i) => from + i),
    );
  const out: DatasetSplits = { train: cut(0, nTrain), val: cut(nTrain, nVal) };
  if (nTest > 0) out.test = cut(nTrain + nVal, nTest);
  return out;
}

/** The whole table of `n` rows; labels balanced within each split's rows. */
function generateTable(options: SyntheticTabularOptions & { n: number }): Dataset {
  const { n, nFeatures = 10, nInformative = 5, classes = 2, noise = 0.05, seed = 0, task = 'classification' } = options;
  const { clustersPerClass = 2, classSep = 1 } = options;
  const nRedundant = options.nRedundant ?? Math.min(2, nFeatures - nInformative);
  checkInt('n', n, 0);
  checkInt('nFeatures', nFeatures, 1);
  checkInt('nInformative', nInformative, 1, nFeatures);
  checkInt('nRedundant', nRedundant, 0, nFeatures - nInformative);
  checkRange('noise', noise, 0, task === 'classification' ? 1 : 1e6);
  checkSeed(seed);
  checkOneOf('task', task, ['classification', 'regression']);
  const rng = new Rng(seed);
  const x = new Float32Array(n * nFeatures);
  const inf = new Float64Array(nInformative);
  const mix = randomMatrix(nInformative, nRedundant, rng);
  const names = [
    ...range(nInformative).map((i) => `informative_${i}`),
    ...range(nRedundant).map((i) => `redundant_${i}`),
    ...range(nFeatures - nInformative - nRedundant).map((i) => `noise_${i}`),
  ];
  // Fill one row: informative values come from `drawInformative`, the rest follows the same recipe for both tasks.
  const fillRow = (i: number, drawInformative: (out: Float64Array) => void): void => {
    drawInformative(inf);
    const row = i * nFeatures;
    for (let j = 0; j < nInformative; j++) x[row + j] = inf[j] as number;
    for (let r = 0; r < nRedundant; r++) {
      let v = 0;
      for (let j = 0; j < nInformative; j++) v += (inf[j] as number) * (mix[j * nRedundant + r] as number);
      x[row + nInformative + r] = v;
    }
    for (let j = nInformative + nRedundant; j < nFeatures; j++) x[row + j] = rng.normal();
  };

  if (task === 'regression') {
    const weights = range(nInformative).map(() => rng.uniform(-1, 1));
    const clean = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      fillRow(i, (out) => out.forEach((_, j) => (out[j] = rng.normal())));
      clean[i] = friedmanLike(inf, weights);
    }
    return {
      x,
      xShape: [n, nFeatures],
      y: new Int32Array(0),
      yReal: standardisedWithNoise(clean, noise, rng),
      numClasses: 0,
      featureNames: names,
    };
  }

  checkInt('classes', classes, 2);
  checkInt('clustersPerClass', clustersPerClass, 1);
  checkRange('classSep', classSep, 0, 1e6);
  const nClusters = classes * clustersPerClass;
  if (nInformative < 31 && nClusters > 2 ** nInformative) {
    throw new InvalidArgumentError(
      'classes * clustersPerClass',
      nClusters,
      `at most 2^nInformative = ${2 ** nInformative}`,
    );
  }
  const centres = hypercubeVertices(nClusters, nInformative, classSep, rng);
  const covariances = range(nClusters).map(() => randomMatrix(nInformative, nInformative, rng));
  // Balanced within each split; with nVal = nTest = 0 these are the draws of one balanced list.
  const y = new Int32Array(n);
  let at = 0;
  for (const size of [options.nTrain, options.nVal, options.nTest ?? 0]) {
    y.set(balancedLabels(size, classes, rng), at);
    at += size;
  }
  const z = new Float64Array(nInformative);
  // Label noise from its own stream, so the features are the same bytes whatever `noise` is.
  const flips = rng.derive('label-noise');
  for (let i = 0; i < n; i++) {
    const cluster = (y[i] as number) * clustersPerClass + rng.int(0, clustersPerClass - 1);
    const a = covariances[cluster] as Float64Array;
    const centre = centres[cluster] as Float64Array;
    fillRow(i, (out) => {
      for (let j = 0; j < nInformative; j++) z[j] = rng.normal();
      for (let j = 0; j < nInformative; j++) {
        let v = centre[j] as number;
        for (let k = 0; k < nInformative; k++) v += (z[k] as number) * (a[k * nInformative + j] as number);
        out[j] = v;
      }
    });
    if (flips.next() < noise) y[i] = flips.int(0, classes - 1);
  }
  const classNames = range(classes).map((k) => `class_${k}`);
  return { x, xShape: [n, nFeatures], y, numClasses: classes, classNames, featureNames: names };
}

function friedmanLike(x: Float64Array, weights: readonly number[]): number {
  let v = 0;
  for (let j = 0; j < x.length; j++) v += (weights[j] as number) * (x[j] as number);
  for (let j = 0; j + 1 < x.length; j += 2) v += 2 * Math.sin((x[j] as number) * (x[j + 1] as number));
  if (x.length % 2 === 1) v += 0.5 * ((x[x.length - 1] as number) ** 2 - 1);
  return v;
}

function standardisedWithNoise(clean: Float64Array, noise: number, rng: Rng): Float32Array {
  let mean = 0;
  for (const v of clean) mean += v / Math.max(clean.length, 1);
  let variance = 0;
  for (const v of clean) variance += (v - mean) ** 2 / Math.max(clean.length, 1);
  const std = Math.sqrt(variance) || 1;
  return Float32Array.from(clean, (v) => (v - mean) / std + noise * rng.normal());
}

/** `count` distinct vertices of the hypercube [−sep, sep]^dim, each as a row. */
function hypercubeVertices(count: number, dim: number, sep: number, rng: Rng): Float64Array[] {
  const seen = new Set<string>();
  const out: Float64Array[] = [];
  while (out.length < count) {
    const bits = range(dim).map(() => (rng.next() < 0.5 ? 0 : 1));
    const key = bits.join('');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(Float64Array.from(bits, (b) => (b === 1 ? sep : -sep)));
  }
  return out;
}

/** rows × cols, row-major, entries uniform in [−1, 1). */
function randomMatrix(rows: number, cols: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => rng.uniform(-1, 1));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

import { InvalidArgumentError } from '../src/errors';
import { Rng } from '../src/random';
import { permutation, subset } from './dataset-ops';
import { numSamples, type Dataset, type DatasetSplits } from './types';
import { checkRange, checkSeed } from './validate';

export interface StratifiedSplitOptions {
  /** The share of each part; positive, summing to 1 (within 1e-6). */
  fractions: readonly number[];
  seed: number | string;
}

export interface TrainValTestSplitOptions {
  valFraction: number;
  /** 0 (the default) leaves `test` out of the result. */
  testFraction?: number;
  seed: number | string;
  /** Keep class proportions equal across parts. Default: true for classification, false for regression. */
  stratify?: boolean;
}

/**
 * Cuts `ds` into parts of the given fractions, each with the class proportions of the whole (as near as
 * whole samples allow). Part sizes are exact: `round(n * fraction)` by largest remainder, so they sum
 * to n. Each part comes out in a random order.
 */
export function stratifiedSplit(ds: Dataset, options: StratifiedSplitOptions): Dataset[] {
  if (ds.numClasses === 0)
    throw new InvalidArgumentError('stratify', true, 'false for a regression dataset (numClasses 0)');
  return splitIndices(ds, options.fractions, options.seed, true).map((idx) => subset(ds, idx));
}

/** Train / validation (/ test) parts of one dataset; stratified by class unless told otherwise. */
export function trainValTestSplit(ds: Dataset, options: TrainValTestSplitOptions): DatasetSplits {
  const testFraction = options.testFraction ?? 0;
  checkRange('valFraction', options.valFraction, 0, 1);
  checkRange('testFraction', testFraction, 0, 1);
  if (options.valFraction + testFraction >= 1) {
    throw new InvalidArgumentError('valFraction + testFraction', options.valFraction + testFraction, 'less than 1');
  }
  const stratify = options.stratify ?? ds.numClasses > 0;
  if (stratify && ds.numClasses === 0) {
    throw new InvalidArgumentError('stratify', true, 'false for a regression dataset (numClasses 0)');
  }
  const fractions = [1 - options.valFraction - testFraction, options.valFraction];
  if (testFraction > 0) fractions.push(testFraction);
  const [train, val, test] = splitIndices(ds, fractions, options.seed, stratify).map((idx) => subset(ds, idx));
  const out: DatasetSplits = { train: train as Dataset, val: val as Dataset };
  if (test !== undefined) out.test = test;
  return out;
}

/** Index lists of each part; see {@link stratifiedSplit}. */
export function splitIndices(
  ds: Dataset,
  fractions: readonly number[],
  seed: number | string,
  stratify: boolean,
): Int32Array[] {
  checkSeed(seed);
  let total = 0;
  for (const [k, f] of fractions.entries()) {
    checkRange(`fractions[${k}]`, f, 0, 1);
    total += f;
  }
  if (fractions.length === 0 || Math.abs(total - 1) > 1e-6) {
    throw new InvalidArgumentError('fractions', fractions, 'non-negative numbers summing to 1');
  }
  const n = numSamples(ds);
  const rng = new Rng(seed);
  const order = permutation(n, rng);
  const partSizes = apportion(n, fractions);
  const parts = partSizes.map((size) => new Int32Array(size));
  if (!stratify) {
    let at = 0;
    parts.forEach((part, p) => {
      part.set(order.subarray(at, at + (partSizes[p] as number)));
      at += partSizes[p] as number;
    });
    return parts;
  }
  // Group the shuffled indices by class, then fill the parts one after the other: each part takes from
  // every class in proportion to what that class has left, which keeps both the part sizes and the
  // class proportions as exact as integers allow (the same idea as sklearn's StratifiedShuffleSplit).
  const byClass: number[][] = Array.from({ length: ds.numClasses }, () => []);
  for (const i of order) (byClass[ds.y[i] as number] as number[]).push(i);
  const taken = new Array<number>(ds.numClasses).fill(0);
  let left = n;
  parts.forEach((part, p) => {
    const remaining = byClass.map((c, k) => c.length - (taken[k] as number));
    const counts =
      p === parts.length - 1
        ? remaining
        : apportion(
            partSizes[p] as number,
            remaining.map((r) => r / Math.max(left, 1)),
          );
    let at = 0;
    counts.forEach((count, k) => {
      const from = taken[k] as number;
      part.set((byClass[k] as number[]).slice(from, from + count), at);
      taken[k] = from + count;
      at += count;
    });
    left -= part.length;
    part.set(permuteInts(part, rng));
  });
  return parts;
}

/**
 * Integers summing to `total`, proportional to `weights` (which sum to 1): floors, then the largest
 * remainders get one more (ties to the lower index, so the result is deterministic).
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
  const counts = exact.map(Math.floor);
  let short = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, k) => ({ k, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.k - b.k);
  for (const { k } of byRemainder) {
    if (short <= 0) break;
    counts[k] = (counts[k] as number) + 1;
    short--;
  }
  return counts;
}

function permuteInts(values: Int32Array, rng: Rng): Int32Array {
  const p = permutation(values.length, rng);
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = values[p[k] as number] as number;
  return out;
}

/** `train` and `val` of a loader's training files: a stratified cut, or an empty `val` for fraction 0. */
export function cutValidation(ds: Dataset, valFraction: number, seed: number | string): DatasetSplits {
  if (valFraction === 0) return { train: ds, val: subset(ds, []) };
  return trainValTestSplit(ds, { valFraction, seed });
}

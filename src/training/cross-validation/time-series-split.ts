import { InvalidArgumentError } from '../../errors';
import { checkInteger, type Split } from './split';

export interface TimeSeriesSplitOptions {
  /** Number of splits (>= 2). Default 5. */
  readonly nSplits?: number;
  /** Samples per test set. Default `floor(n / (nSplits + 1))`. */
  readonly testSize?: number;
  /** Samples dropped between the end of each train set and its test set. Default 0. */
  readonly gap?: number;
  /** Keep only the latest this-many samples in each train set. Default unlimited. */
  readonly maxTrainSize?: number;
}

const range = (start: number, end: number): Int32Array =>
  Int32Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);

/**
 * Time-series cross-validation (scikit-learn's `TimeSeriesSplit`): the test sets are the last
 * `nSplits * testSize` samples cut into consecutive blocks, and each train set is everything before
 * its test block, minus `gap` samples, capped to the latest `maxTrainSize`.
 *
 * @example
 * ```ts
 * tune.timeSeriesSplit(6, { nSplits: 3 });
 * // train [0, 1, 2] test [3]; train [0..3] test [4]; train [0..4] test [5]
 * ```
 */
export function timeSeriesSplit(n: number, options: TimeSeriesSplitOptions = {}): Split[] {
  checkInteger('timeSeriesSplit(n)', n, 1);
  const nSplits = checkInteger('timeSeriesSplit.nSplits', options.nSplits ?? 5, 2);
  const nFolds = nSplits + 1;
  if (nFolds > n) {
    throw new InvalidArgumentError('timeSeriesSplit.nSplits', nSplits, `at most n - 1 = ${n - 1} for ${n} samples`);
  }
  const testSize = checkInteger('timeSeriesSplit.testSize', options.testSize ?? Math.floor(n / nFolds), 1);
  const gap = checkInteger('timeSeriesSplit.gap', options.gap ?? 0, 0);
  const maxTrain =
    options.maxTrainSize === undefined ? null : checkInteger('timeSeriesSplit.maxTrainSize', options.maxTrainSize, 1);
  if (n - gap - testSize * nSplits <= 0) {
    throw new InvalidArgumentError(
      'timeSeriesSplit',
      { n, nSplits, testSize, gap },
      'n - gap - testSize * nSplits > 0 (too many splits for the number of samples)',
    );
  }
  const splits: Split[] = [];
  for (let testStart = n - nSplits * testSize; testStart < n; testStart += testSize) {
    const trainEnd = testStart - gap;
    const trainStart = maxTrain !== null && maxTrain < trainEnd ? trainEnd - maxTrain : 0;
    splits.push({ train: range(trainStart, trainEnd), test: range(testStart, testStart + testSize) });
  }
  return splits;
}

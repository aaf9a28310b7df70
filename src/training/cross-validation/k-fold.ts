import { Rng } from '../../random/rng';
import { checkInteger, checkRange, checkSeed, splitFromTest, type Split } from './split';

export interface KFoldOptions {
  /** Number of folds, 2 <= k <= n. Default 5. */
  readonly k?: number;
  /** Shuffle the samples before cutting them into folds. Default false. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle (only with `shuffle: true`). Default 0. */
  readonly seed?: number;
}

/**
 * K-fold cross-validation indices (scikit-learn's `KFold`): the (optionally shuffled) samples are
 * cut into `k` consecutive folds, the first `n % k` of them one sample larger; each fold is the test
 * set once. Indices in each set are ascending.
 *
 * @example
 * ```ts
 * for (const { train, test } of tune.kFold(100, { k: 5, shuffle: true, seed: 1 })) {
 *   // train.length === 80, test.length === 20
 * }
 * ```
 */
export function kFold(n: number, options: KFoldOptions = {}): Split[] {
  checkInteger('kFold(n)', n, 2);
  const k = checkRange('kFold.k', options.k ?? 5, 2, n, `an integer from 2 to the number of samples (${n})`);
  const shuffle = options.shuffle ?? false;
  checkSeed('kFold.seed', shuffle, options.seed);
  let order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) order = new Rng(options.seed ?? 0).shuffle(order);
  const splits: Split[] = [];
  let start = 0;
  for (let fold = 0; fold < k; fold++) {
    const size = Math.floor(n / k) + (fold < n % k ? 1 : 0);
    splits.push(splitFromTest(n, order.slice(start, start + size)));
    start += size;
  }
  return splits;
}

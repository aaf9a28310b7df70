import { InvalidArgumentError } from '../../errors';
import { Rng } from '../../random/rng';
import { checkRange, checkSeed, splitFromTest, type Split } from './split';
import type { KFoldOptions } from './k-fold';

/**
 * Stratified k-fold indices (scikit-learn's `StratifiedKFold`): every fold gets each class's samples
 * in proportion, within one sample per class, and fold sizes differ by at most one. The class
 * counts per fold are those of dealing the label-sorted samples round-robin to the folds; within a
 * class, samples go to folds in index order (or shuffled order with `shuffle`).
 *
 * @example
 * ```ts
 * const splits = tune.stratifiedKFold(labels, { k: 5, shuffle: true, seed: 0 });
 * ```
 */
export function stratifiedKFold(labels: ArrayLike<number>, options: KFoldOptions = {}): Split[] {
  const n = labels.length;
  if (n < 2) throw new InvalidArgumentError('stratifiedKFold(labels)', n, 'at least 2 labels');
  const k = checkRange('stratifiedKFold.k', options.k ?? 5, 2, n, `an integer from 2 to the number of samples (${n})`);
  const shuffle = options.shuffle ?? false;
  checkSeed('stratifiedKFold.seed', shuffle, options.seed);

  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const code = new Map(classes.map((c, i) => [c, i]));
  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    if (!Number.isFinite(label))
      throw new InvalidArgumentError(`stratifiedKFold(labels)[${i}]`, label, 'a finite number');
    (members[code.get(label) as number] as number[]).push(i);
  }
  const largest = Math.max(...members.map((m) => m.length));
  if (k > largest) {
    throw new InvalidArgumentError('stratifiedKFold.k', k, `at most the size of the largest class (${largest})`);
  }

  // allocation[f][c]: how many of class c go to fold f — sklearn's round-robin over sorted labels.
  const allocation = Array.from({ length: k }, () => new Array<number>(classes.length).fill(0));
  let position = 0;
  for (let c = 0; c < classes.length; c++) {
    for (let j = 0; j < (members[c] as number[]).length; j++, position++) {
      const row = allocation[position % k] as number[];
      row[c] = (row[c] as number) + 1;
    }
  }
  const rng = shuffle ? new Rng(options.seed ?? 0) : null;
  const tests: number[][] = Array.from({ length: k }, () => []);
  for (let c = 0; c < classes.length; c++) {
    const inClass = rng === null ? (members[c] as number[]) : rng.shuffle(members[c] as number[]);
    let next = 0;
    for (let f = 0; f < k; f++) {
      const count = (allocation[f] as number[])[c] as number;
      (tests[f] as number[]).push(...inClass.slice(next, next + count));
      next += count;
    }
  }
  return tests.map((test) => splitFromTest(n, test));
}

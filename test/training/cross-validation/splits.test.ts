import { InvalidArgumentError } from '../../../src/errors';
import { Rng } from '../../../src/random/rng';
import * as cv from '../../../src/api/cross-validation';

const arr = (a: Int32Array): number[] => Array.from(a);

function checkPartition(n: number, splits: cv.Split[]): void {
  const seen = new Array<number>(n).fill(0);
  for (const { train, test } of splits) {
    expect(train.length + test.length).toBe(n);
    expect(arr(train)).toEqual([...arr(train)].sort((a, b) => a - b));
    expect(arr(test)).toEqual([...arr(test)].sort((a, b) => a - b));
    const inTest = new Set(arr(test));
    for (const i of train) expect(inTest.has(i)).toBe(false);
    for (const i of test) seen[i] = (seen[i] as number) + 1;
  }
  expect(seen.every((c) => c === 1)).toBe(true); // every sample is tested exactly once
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof InvalidArgumentError ? e.field : `not an InvalidArgumentError: ${String(e)}`;
  }
  return undefined;
}

describe('kFold', () => {
  it('consecutive folds, the first n % k one larger (scikit-learn KFold)', () => {
    const splits = cv.kFold(10, { k: 3 });
    expect(splits.map((s) => arr(s.test))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(arr((splits[1] as cv.Split).train)).toEqual([0, 1, 2, 3, 7, 8, 9]);
    checkPartition(10, splits);
    checkPartition(7, cv.kFold(7, { k: 7 }));
  });

  it('shuffle is seeded', () => {
    const a = cv.kFold(20, { k: 4, shuffle: true, seed: 1 });
    checkPartition(20, a);
    expect(cv.kFold(20, { k: 4, shuffle: true, seed: 1 })).toEqual(a);
    expect(cv.kFold(20, { k: 4, shuffle: true, seed: 2 })).not.toEqual(a);
    expect(a.map((s) => arr(s.test))).not.toEqual(cv.kFold(20, { k: 4 }).map((s) => arr(s.test)));
  });

  it('errors name the field', () => {
    expect(fieldOf(() => cv.kFold(10, { k: 1 }))).toBe('kFold.k');
    expect(fieldOf(() => cv.kFold(3, { k: 4 }))).toBe('kFold.k');
    expect(fieldOf(() => cv.kFold(10, { k: 2.5 }))).toBe('kFold.k');
    expect(fieldOf(() => cv.kFold(1.5))).toBe('kFold(n)');
    expect(fieldOf(() => cv.kFold(10, { seed: 3 }))).toBe('kFold.seed');
  });
});

describe('stratifiedKFold', () => {
  it("matches scikit-learn's documented example", () => {
    const splits = cv.stratifiedKFold([0, 0, 1, 1], { k: 2 });
    expect(splits.map((s) => [arr(s.train), arr(s.test)])).toEqual([
      [
        [1, 3],
        [0, 2],
      ],
      [
        [0, 2],
        [1, 3],
      ],
    ]);
  });

  it.each([false, true])('class proportions within one sample per class (shuffle %s)', (shuffle) => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 30; trial++) {
      const n = rng.int(12, 120);
      const classes = rng.int(2, 5);
      const labels = Int32Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : rng.int(0, classes - 1)));
      const counts = new Map<number, number>();
      for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      const largest = Math.max(...counts.values());
      const k = rng.int(2, Math.min(6, largest));
      const splits = cv.stratifiedKFold(labels, { k, shuffle, ...(shuffle ? { seed: trial } : {}) });
      checkPartition(n, splits);
      const sizes = splits.map((s) => s.test.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const { test } of splits) {
        for (const [label, total] of counts) {
          const inFold = arr(test).filter((i) => labels[i] === label).length;
          expect(Math.abs(inFold - (total * test.length) / n)).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('errors', () => {
    expect(fieldOf(() => cv.stratifiedKFold([0, 0, 1, 1, 1], { k: 4 }))).toBe('stratifiedKFold.k');
    expect(fieldOf(() => cv.stratifiedKFold([0, 1], { k: 3 }))).toBe('stratifiedKFold.k');
    expect(fieldOf(() => cv.stratifiedKFold([0, NaN, 1, 1], { k: 2 }))).toBe('stratifiedKFold(labels)[1]');
  });
});

describe('timeSeriesSplit (scikit-learn semantics)', () => {
  it('defaults: growing train sets, one-sample tests', () => {
    const splits = cv.timeSeriesSplit(6);
    expect(splits.map((s) => [arr(s.train), arr(s.test)])).toEqual([
      [[0], [1]],
      [[0, 1], [2]],
      [[0, 1, 2], [3]],
      [[0, 1, 2, 3], [4]],
      [[0, 1, 2, 3, 4], [5]],
    ]);
  });

  it('testSize and gap (the documented example)', () => {
    const splits = cv.timeSeriesSplit(12, { nSplits: 3, testSize: 2, gap: 2 });
    expect(splits.map((s) => [arr(s.train), arr(s.test)])).toEqual([
      [
        [0, 1, 2, 3],
        [6, 7],
      ],
      [
        [0, 1, 2, 3, 4, 5],
        [8, 9],
      ],
      [
        [0, 1, 2, 3, 4, 5, 6, 7],
        [10, 11],
      ],
    ]);
  });

  it('maxTrainSize keeps the latest samples', () => {
    const splits = cv.timeSeriesSplit(6, { nSplits: 3, maxTrainSize: 2 });
    expect(splits.map((s) => [arr(s.train), arr(s.test)])).toEqual([
      [[1, 2], [3]],
      [[2, 3], [4]],
      [[3, 4], [5]],
    ]);
  });

  it('errors', () => {
    expect(fieldOf(() => cv.timeSeriesSplit(10, { nSplits: 1 }))).toBe('timeSeriesSplit.nSplits');
    expect(fieldOf(() => cv.timeSeriesSplit(4, { nSplits: 5 }))).toBe('timeSeriesSplit.nSplits');
    expect(fieldOf(() => cv.timeSeriesSplit(10, { nSplits: 3, testSize: 3, gap: 2 }))).toBe('timeSeriesSplit');
    expect(fieldOf(() => cv.timeSeriesSplit(10, { gap: -1 }))).toBe('timeSeriesSplit.gap');
  });
});

import { InvalidArgumentError } from '../../src/errors';
import { Rng } from '../../src/random';
import { apportion } from '../../datasets/splits';
import {
  concatDatasets,
  shuffleDataset,
  stratifiedSplit,
  subset,
  trainValTestSplit,
  type Dataset,
} from '../../src/api/datasets';

/** n samples of 2 features: x = [i, 10 * i]; labels imbalanced 70/20/10. */
function toy(n: number): Dataset {
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = 10 * i;
    y[i] = i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2;
  }
  return { x, xShape: [n, 2], y, numClasses: 3, classNames: ['a', 'b', 'c'] };
}

const ids = (ds: Dataset): number[] => Array.from({ length: ds.xShape[0] as number }, (_, i) => ds.x[2 * i] as number);
const counts = (ds: Dataset): number[] => [0, 1, 2].map((k) => ds.y.filter((v) => v === k).length);

describe('subset / shuffle / concat', () => {
  it('copies the chosen rows with their labels and metadata, leaving the input alone', () => {
    const ds = toy(10);
    const before = ds.x.slice();
    const s = subset(ds, [3, 1, 3]);
    expect(s.xShape).toEqual([3, 2]);
    expect(Array.from(s.x)).toEqual([3, 30, 1, 10, 3, 30]);
    expect(Array.from(s.y)).toEqual([0, 0, 0]);
    expect(s.classNames).toEqual(['a', 'b', 'c']);
    expect(ds.x).toEqual(before);
  });

  it('rejects an index out of range, naming it', () => {
    expect(() => subset(toy(4), [0, 4])).toThrow(/indices\[1\]: got 4/);
  });

  it('shuffles deterministically by rng and keeps every row once', () => {
    const ds = toy(50);
    const a = shuffleDataset(ds, new Rng(1));
    expect(ids(a)).toEqual(ids(shuffleDataset(ds, new Rng(1))));
    expect(ids(a)).not.toEqual(ids(shuffleDataset(ds, new Rng(2))));
    expect([...ids(a)].sort((p, q) => p - q)).toEqual(ids(ds));
    a.x.forEach((v, k) => k % 2 === 1 && expect(v).toBe(10 * (a.x[k - 1] as number)));
  });

  it('concatenates datasets of the same kind and refuses different row shapes', () => {
    const c = concatDatasets([toy(3), toy(2)]);
    expect(c.xShape).toEqual([5, 2]);
    expect(ids(c)).toEqual([0, 1, 2, 0, 1]);
    const other: Dataset = { x: new Float32Array(3), xShape: [1, 3], y: new Int32Array(1), numClasses: 3 };
    expect(() => concatDatasets([toy(1), other])).toThrow(InvalidArgumentError);
  });
});

describe('apportion', () => {
  it('gives integers summing to the total, nearest to the proportions', () => {
    expect(apportion(10, [0.7, 0.2, 0.1])).toEqual([7, 2, 1]);
    expect(apportion(7, [1 / 3, 1 / 3, 1 / 3])).toEqual([3, 2, 2]);
    expect(apportion(5, [0, 1])).toEqual([0, 5]);
  });
});

describe('trainValTestSplit', () => {
  const ds = toy(1000);

  it('makes exact part sizes that cover every sample once', () => {
    const s = trainValTestSplit(ds, { valFraction: 0.15, testFraction: 0.1, seed: 3 });
    expect([s.train, s.val, s.test].map((p) => p?.xShape[0])).toEqual([750, 150, 100]);
    const all = [...ids(s.train), ...ids(s.val), ...ids(s.test as Dataset)].sort((a, b) => a - b);
    expect(all).toEqual(ids(ds));
  });

  it('keeps class proportions in every part when stratified (the default)', () => {
    const s = trainValTestSplit(ds, { valFraction: 0.15, testFraction: 0.1, seed: 3 });
    expect(counts(s.train)).toEqual([525, 150, 75]);
    expect(counts(s.val)).toEqual([105, 30, 15]);
    expect(counts(s.test as Dataset)).toEqual([70, 20, 10]);
  });

  it('stratifies as closely as whole samples allow when proportions do not divide', () => {
    const parts = stratifiedSplit(toy(97), { fractions: [0.5, 0.3, 0.2], seed: 1 });
    expect(parts.map((p) => p.xShape[0])).toEqual([49, 29, 19]);
    const total = counts(toy(97));
    parts.forEach((p, k) => {
      const f = [0.5, 0.3, 0.2][k] as number;
      counts(p).forEach((c, cls) => expect(Math.abs(c - f * (total[cls] as number))).toBeLessThanOrEqual(1));
    });
  });

  it('is deterministic by seed and mixes the classes within each part', () => {
    const a = trainValTestSplit(ds, { valFraction: 0.2, seed: 'x' });
    expect(ids(a.val)).toEqual(ids(trainValTestSplit(ds, { valFraction: 0.2, seed: 'x' }).val));
    expect(ids(a.val)).not.toEqual(ids(trainValTestSplit(ds, { valFraction: 0.2, seed: 'y' }).val));
    expect(a.test).toBeUndefined();
    expect(Array.from(a.val.y.slice(0, 30))).not.toEqual([...a.val.y.slice(0, 30)].sort());
  });

  it('splits regression data without stratifying and refuses to stratify it', () => {
    const reg: Dataset = {
      x: new Float32Array(20),
      xShape: [10, 2],
      y: new Int32Array(0),
      yReal: new Float32Array(10).map((_, i) => i),
      numClasses: 0,
    };
    const s = trainValTestSplit(reg, { valFraction: 0.3, seed: 0 });
    expect(s.val.yReal?.length).toBe(3);
    expect(s.train.y.length).toBe(0);
    expect(() => trainValTestSplit(reg, { valFraction: 0.3, seed: 0, stratify: true })).toThrow(/stratify/);
  });

  it('rejects fractions that leave no training data', () => {
    expect(() => trainValTestSplit(ds, { valFraction: 0.6, testFraction: 0.4, seed: 0 })).toThrow(
      /valFraction \+ testFraction/,
    );
    expect(() => trainValTestSplit(ds, { valFraction: -0.1, seed: 0 })).toThrow(/valFraction/);
  });
});

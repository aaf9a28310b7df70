import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Dataset } from '../../datasets/types';
import {
  applyPreprocessor,
  fitPreprocessor,
  loadCsv,
  preprocessSplits,
  trainValTestSplit,
} from '../../src/api/datasets';

const table = (rows: number[][], y: number[], columns?: Dataset['columns']): Dataset => ({
  x: Float32Array.from(rows.flat()),
  xShape: [rows.length, rows[0]?.length ?? 0],
  y: Int32Array.from(y),
  numClasses: 2,
  classNames: ['a', 'b'],
  featureNames: columns?.map((c) => c.name) ?? (rows[0] ?? []).map((_, j) => `f${j}`),
  ...(columns !== undefined ? { columns } : {}),
});

describe('fitPreprocessor / applyPreprocessor', () => {
  it('standardises with the training mean and population std, and imputes the training mean', () => {
    const train = table(
      [
        [1, 10],
        [3, NaN],
        [5, 30],
      ],
      [0, 1, 0],
    );
    const pre = fitPreprocessor(train, 'auto');
    const [a, b] = pre.columns;
    expect(a).toMatchObject({ kind: 'numeric', center: 3, fill: 3 });
    expect((a as { scale: number }).scale).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(b).toMatchObject({ kind: 'numeric', center: 20, fill: 20 });
    const out = applyPreprocessor(pre, train);
    expect(out.x[3]).toBeCloseTo(0, 6); // the imputed mean is 0 once standardised
    expect(out.x[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 5);
  });

  it('imputes the median or a constant, and adds missing indicators only for columns with gaps', () => {
    const train = table(
      [
        [1, 0],
        [NaN, 1],
        [2, 2],
        [10, 3],
      ],
      [0, 1, 0, 1],
    );
    const median = fitPreprocessor(train, { impute: 'median', numeric: 'none', missingIndicator: true });
    expect(median.featureNames).toEqual(['f0', 'f0:missing', 'f1']);
    expect(Array.from(applyPreprocessor(median, train).x.subarray(3, 6))).toEqual([2, 1, 1]);
    const constant = fitPreprocessor(train, { impute: 'constant', fillValue: -1, numeric: 'none' });
    expect(applyPreprocessor(constant, train).x[2]).toBe(-1);
    const minmax = fitPreprocessor(table([[2], [4], [6]], [0, 1, 0]), { numeric: 'minmax' });
    expect(Array.from(applyPreprocessor(minmax, table([[2], [6], [8]], [0, 1, 0])).x)).toEqual([0, 1, 1.5]);
    const strict = fitPreprocessor(train, { impute: 'none' });
    expect(() => applyPreprocessor(strict, train)).toThrow(/column "f0".*missing value in row 2.*preprocess\.impute/);
  });

  it('one-hot encodes over the training categories only; an unseen one is all zeros (or an error if asked)', () => {
    const columns: Dataset['columns'] = [{ name: 'colour', kind: 'categorical', categories: ['blue', 'green', 'red'] }];
    const train = table([[0], [2], [0]], [0, 1, 0], columns); // green (1) only outside training
    const pre = fitPreprocessor(train);
    expect(pre.featureNames).toEqual(['colour=blue', 'colour=red']);
    const other = table([[1], [2], [NaN]], [0, 1, 0], columns);
    expect(Array.from(applyPreprocessor(pre, other).x)).toEqual([0, 0, 0, 1, 0, 0]);
    const strict = fitPreprocessor(train, { unseen: 'error' });
    expect(() => applyPreprocessor(strict, other)).toThrow(
      /column "colour": got "green"; expected one of the training categories: blue, red/,
    );
  });

  it('finds columns by name in another file, in another order, with its own category numbering', () => {
    const trainCols: Dataset['columns'] = [
      { name: 'n', kind: 'numeric' },
      { name: 'c', kind: 'categorical', categories: ['x', 'y'] },
    ];
    const pre = fitPreprocessor(
      table(
        [
          [1, 0],
          [3, 1],
        ],
        [0, 1],
        trainCols,
      ),
      { numeric: 'none' },
    );
    const testCols: Dataset['columns'] = [
      { name: 'c', kind: 'categorical', categories: ['y'] },
      { name: 'n', kind: 'numeric' },
    ];
    expect(Array.from(applyPreprocessor(pre, table([[0, 5]], [1], testCols)).x)).toEqual([5, 0, 1]);
    expect(() => applyPreprocessor(pre, table([[1]], [0], [{ name: 'n', kind: 'numeric' }]))).toThrow(/column "c"/);
  });

  it('scales 0..255 image pixels to [0, 1] and leaves [0, 1] pixels and token ids alone', () => {
    const image = (v: number[]): Dataset => ({
      x: Float32Array.from(v),
      xShape: [v.length, 1, 1, 1],
      y: new Int32Array(v.length),
      numClasses: 2,
    });
    const bytes = fitPreprocessor(image([0, 255, 51]));
    expect(bytes.pixelScale).toBeCloseTo(1 / 255, 9);
    expect(applyPreprocessor(bytes, image([51])).x[0]).toBeCloseTo(0.2, 6);
    expect(fitPreprocessor(image([0, 0.5, 1])).pixelScale).toBe(1);
    const tokens: Dataset = {
      x: Float32Array.from([2, 3]),
      xShape: [1, 2],
      y: new Int32Array(1),
      numClasses: 2,
      vocabulary: ['', '?', 'a', 'b'],
    };
    expect(Array.from(applyPreprocessor(fitPreprocessor(tokens), tokens).x)).toEqual([2, 3]);
    expect(() => fitPreprocessor(tokens, { numeric: 'zscore' as never })).toThrow(
      /preprocess\.numeric: got "zscore"; expected one of 'standardize'/,
    );
    expect(() => fitPreprocessor(tokens, { scaler: 1 } as never)).toThrow(/preprocess\.scaler.*a known key/);
  });

  it('leak detector: what validation and test rows hold never changes the fitted encoding', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfjs-tune-leak-'));
    try {
      const lines = ['a,b,colour,label'];
      for (let i = 0; i < 60; i++) lines.push(`${i % 7},${i % 2 === 0 ? 'NA' : i},${['red', 'blue'][i % 2]},${i % 3}`);
      const file = path.join(dir, 'base.csv');
      await fs.writeFile(file, lines.join('\n'));
      const quiet = { info: () => undefined, warn: () => undefined };
      const raw = trainValTestSplit(await loadCsv(file, { label: 'label', logger: quiet }), {
        valFraction: 0.25,
        testFraction: 0.25,
        seed: 3,
      });
      const { preprocessor } = preprocessSplits(raw, 'auto');
      // Poison every row outside the training part: huge values, new categories.
      const poison = (ds: Dataset): Dataset => ({
        ...ds,
        x: ds.x.map((v, k) => (k % 3 === 2 ? 2 : v * 1000 + 1e6)),
        columns: (ds.columns ?? []).map((c) =>
          c.kind === 'categorical' ? { ...c, categories: ['blue', 'red', 'violet'] } : c,
        ),
      });
      const poisoned = { train: raw.train, val: poison(raw.val), test: poison(raw.test as Dataset) };
      const again = preprocessSplits(poisoned, 'auto');
      expect(again.preprocessor).toEqual(preprocessor);
      expect(preprocessor).toEqual(fitPreprocessor(raw.train, 'auto'));
      expect(preprocessor.featureNames).toEqual(['a', 'b', 'colour=blue', 'colour=red']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

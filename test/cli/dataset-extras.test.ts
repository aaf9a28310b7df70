import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { prepareConfiguredData } from '../../src/cli/config/resolve';
import { validateConfig } from '../../src/cli/config/schema';

const config = (dataset: unknown, extra: Record<string, unknown> = {}): ReturnType<typeof validateConfig> =>
  validateConfig({ model: 'mlp', dataset, ...extra }, { studyFromFile: 'x' });

describe('dataset keys for preprocessing, CSV reading and a test part', () => {
  it('reads header, categorical, ignore, task, missing, test, testFraction, preprocess and refit', () => {
    const c = config(
      {
        csv: 'a.csv',
        label: 'y',
        header: false,
        categorical: ['colour', 2],
        ignore: ['id'],
        task: 'classification',
        missing: ['n/a'],
        test: 'b.csv',
        preprocess: { numeric: 'minmax', impute: 'median', missingIndicator: true },
      },
      { refit: true },
    );
    expect(c.refit).toBe(true);
    expect(c.dataset.extras).toEqual({
      preprocess: { numeric: 'minmax', impute: 'median', missingIndicator: true },
      testFraction: 0,
      testFile: 'b.csv',
      csv: { header: false, categorical: ['colour', 2], ignore: ['id'], task: 'classification', missing: ['n/a'] },
    });
    expect(config('synthetic-tabular').dataset.extras.preprocess).toBe('auto');
    expect(config({ name: 'synthetic-tabular', testFraction: 0.25, preprocess: 'none' }).dataset.extras).toMatchObject({
      testFraction: 0.25,
      preprocess: 'none',
    });
  });

  it('refuses bad values before any work, naming the key', () => {
    expect(() => config({ csv: 'a.csv', label: 'y', preprocess: { numeric: 'zscore' } })).toThrow(
      /dataset\.preprocess\.numeric: got "zscore"; expected one of 'standardize', 'minmax', 'none'/,
    );
    expect(() => config({ csv: 'a.csv', label: 'y', preprocess: { scale: true } })).toThrow(
      /dataset\.preprocess\.scale/,
    );
    expect(() => config({ csv: 'a.csv', label: 'y', categorical: 'some' })).toThrow(/dataset\.categorical/);
    expect(() => config({ csv: 'a.csv', label: 'y', task: 'ranking' })).toThrow(/dataset\.task/);
    expect(() => config({ csv: 'a.csv', label: 'y', testFraction: 1 })).toThrow(/dataset\.testFraction/);
    expect(() => config({ csv: 'a.csv', label: 'y', test: 'b.csv', testFraction: 0.2 })).toThrow(/dataset\.test:/);
    expect(() => config({ name: 'synthetic-tabular', header: true })).toThrow(/dataset\.header: .*a known key/);
    expect(() => config('synthetic-tabular', { refit: 'yes' })).toThrow(/refit: got "yes"; expected true or false/);
  });

  it('reads a separate test file with the training columns and class order, and fits on training rows only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-extras-'));
    try {
      const train = join(dir, 'train.csv');
      const rows = ['n,colour,y'];
      for (let i = 0; i < 40; i++)
        rows.push(`${i === 3 ? '?' : i},${['red', 'blue'][i % 2]},${['b', 'a', 'c'][i % 3]}`);
      writeFileSync(train, rows.join('\n'));
      const test = join(dir, 'test.csv');
      writeFileSync(test, 'n,colour,y\n1000,green,c\n2000,red,c\n');
      const quiet = { info: () => undefined, warn: () => undefined };
      const c = config({ csv: train, label: 'y', test });
      const { raw, data, preprocessor } = await prepareConfiguredData(c.dataset, 0, quiet);
      expect(Array.from(raw.test?.y ?? [])).toEqual([2, 2]); // "c" keeps its id without "a" or "b"
      expect(preprocessor.classNames).toEqual(['a', 'b', 'c']);
      expect(preprocessor.featureNames).toEqual(['n', 'colour=blue', 'colour=red']);
      const n = preprocessor.columns[0] as { center: number };
      let sum = 0;
      let count = 0;
      for (let i = 0; i < (raw.train.xShape[0] as number); i++) {
        const v = raw.train.x[i * 2] as number;
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      expect(n.center).toBeCloseTo(sum / count, 4); // the training rows' mean, not the test file's
      expect(Array.from(data.test?.x.subarray(1, 3) ?? [])).toEqual([0, 0]); // "green": unseen, all zeros
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

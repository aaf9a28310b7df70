import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';

describe('objectiveFor on a raw table', () => {
  it('fits the default preprocessing on the training part, trains on encoded rows and stores it with each checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-objpre-'));
    try {
      const file = join(dir, 't.csv');
      const rows = ['income,city,label'];
      for (let i = 0; i < 60; i++)
        rows.push(`${i % 9 === 0 ? 'NA' : 1000 * (i % 2) + i},${['x', 'y', 'z'][i % 3]},${i % 2}`);
      writeFileSync(file, rows.join('\n'));
      const raw = await tune.datasets.loadCsv(file, { label: 'label', logger: tune.logging.silentLogger });
      const data = tune.datasets.trainValTestSplit(raw, { valFraction: 0.25, seed: 1 });
      const objective = tune.models.objectiveFor(tune.models.mlp, data, {
        epochs: 2,
        checkpointDir: join(dir, 'ckpt'),
      });
      const study = await tune.createStudy({
        direction: objective.direction,
        seed: 2,
        logger: tune.logging.silentLogger,
      });
      const base = tf.memory().numTensors;
      await study.optimize(objective, { nTrials: 1 });
      expect(tf.memory().numTensors).toBe(base);
      const trial = study.getTrials({ states: ['COMPLETE'] })[0];
      expect(trial).toBeDefined();
      const stored = JSON.parse(
        readFileSync(join(dir, 'ckpt', 'trial_0', 'preprocess.json'), 'utf8'),
      ) as tune.datasets.FittedPreprocessor;
      expect(stored).toEqual(tune.datasets.fitPreprocessor(data.train, 'auto'));
      expect(stored.featureNames).toEqual(['income', 'city=x', 'city=y', 'city=z']);
      // 'none' on a table with missing values is refused when the objective is made, before any trial.
      expect(() => tune.models.objectiveFor(tune.models.mlp, data, { epochs: 1, preprocess: 'none' })).toThrow(
        /column "income".*a missing value in row \d+"; expected values everywhere, or preprocess\.impute/,
      );
      expect(() =>
        tune.models.objectiveFor(tune.models.mlp, data, { epochs: 1, preprocess: 'auto', preprocessor: stored }),
      ).toThrow(/preprocess: .*left out when a fitted preprocessor is given/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { blobs, tinyHyperModel as tiny, useCpu } from '../training/callbacks/fixtures';

beforeAll(useCpu);

const params = { units: 6, lr: 0.05, batch_size: 8 };

describe('learning and validation curves', () => {
  it('trains on the sizes asked, in disjoint folds, scoring train and test rows, freeing every tensor', async () => {
    const { x, y } = blobs(24);
    const before = tf.memory().numTensors;
    const splits = tune.crossValidation.kFold(24, { k: 3, shuffle: true, seed: 2 });
    for (const s of splits) expect(s.train.filter((i) => s.test.includes(i))).toHaveLength(0);
    const seen: number[] = [];
    const curve = await tune.analysis.learningCurve(tiny, params, x, y, {
      cv: splits,
      epochs: 4,
      trainSizes: [0.25, 0.5, 1],
      callbacks: () => ({ onTrainBegin: async () => void 0, onEpochEnd: async () => void seen.push(1) }),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(curve.trainSizes).toEqual([4, 8, 16]);
    expect(curve.train).toHaveLength(3);
    for (const row of [...curve.train, ...curve.test]) expect(row).toHaveLength(3);
    expect(seen).toHaveLength(3 * 3 * 4); // sizes x folds x epochs
    expect(curve.testMean[2]).toBeCloseTo(curve.test[2]!.reduce((a, b) => a + b, 0) / 3, 12);
    expect(curve.testMean[2]).toBeGreaterThan(0.7); // two well-separated blobs, all the rows
    // Row counts work too; asking for more rows than a train split holds is refused before training.
    const counts = await tune.analysis.learningCurve(tiny, params, x, y, { cv: 3, epochs: 1, trainSizes: [5, 5, 10] });
    expect(counts.trainSizes).toEqual([5, 10]);
    await expect(tune.analysis.learningCurve(tiny, params, x, y, { cv: 3, trainSizes: [17] })).rejects.toThrow(
      /trainSizes.*row counts from 1 to 16/,
    );
    tf.dispose([x, y]);
  });

  it('sweeps one hyperparameter with cross-validation', async () => {
    const { x, y } = blobs(24);
    const before = tf.memory().numTensors;
    const curve = await tune.analysis.validationCurve(tiny, params, x, y, 'units', [2, 8], {
      cv: 2,
      epochs: 3,
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(curve.paramName).toBe('units');
    expect(curve.paramRange).toEqual([2, 8]);
    expect(curve.train.map((r) => r.length)).toEqual([2, 2]);
    const again = await tune.analysis.validationCurve(tiny, params, x, y, 'units', [2, 8], {
      cv: 2,
      epochs: 3,
      seed: 1,
    });
    expect(again.test).toEqual(curve.test);
    await expect(tune.analysis.validationCurve(tiny, params, x, y, 'units', [])).rejects.toThrow(/paramRange/);
    tf.dispose([x, y]);
  });
});

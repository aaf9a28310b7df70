import * as tf from '@tensorflow/tfjs';

import * as cv from '../../../src/api/cross-validation';
import { blobs, tinyHyperModel as tiny, useCpu } from '../callbacks/fixtures';

beforeAll(useCpu);

const params = { units: 6, lr: 0.05, batch_size: 8 };

describe('crossValScore', () => {
  it('scores every fold, frees every tensor, and is reproducible', async () => {
    const { x, y } = blobs(30);
    const before = tf.memory().numTensors;
    const result = await cv.crossValScore(tiny, params, x, y, { cv: 3, epochs: 8, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.scores).toHaveLength(3);
    for (const s of result.scores) expect(s).toBeGreaterThan(0.7); // two well-separated blobs
    const mean = result.scores.reduce((a, b) => a + b, 0) / 3;
    expect(result.mean).toBeCloseTo(mean, 12);
    expect(result.std).toBeCloseTo(Math.sqrt(result.scores.reduce((a, s) => a + (s - mean) ** 2, 0) / 3), 12);
    const again = await cv.crossValScore(tiny, params, x, y, { cv: 3, epochs: 8, seed: 1 });
    expect(again.scores).toEqual(result.scores);
    tf.dispose([x, y]);
  });

  it('explicit splits, val_loss, a custom score and per-fold callbacks', async () => {
    const { x, y } = blobs(24);
    const before = tf.memory().numTensors;
    const splits = cv.kFold(24, { k: 4, shuffle: true, seed: 3 });
    const folds: number[] = [];
    const loss = await cv.crossValScore(tiny, params, x, y, {
      cv: splits,
      epochs: 3,
      metric: 'val_loss',
      callbacks: (fold) => {
        folds.push(fold);
        return [];
      },
    });
    expect(folds).toEqual([0, 1, 2, 3]);
    expect(loss.scores).toHaveLength(4);
    for (const s of loss.scores) expect(s).toBeGreaterThan(0);
    const sizes: number[] = [];
    const custom = await cv.crossValScore(tiny, params, x, y, {
      cv: splits,
      epochs: 1,
      metric: (_model, xTest) => {
        sizes.push(xTest.shape[0]);
        return xTest.shape[0];
      },
    });
    expect(sizes).toEqual(splits.map((s) => s.test.length));
    expect(custom.mean).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('an unknown metric fails before any fitting, and frees the fold', async () => {
    const { x, y } = blobs(12);
    const before = tf.memory().numTensors;
    await expect(cv.crossValScore(tiny, params, x, y, { cv: 2, epochs: 1, metric: 'val_f1' })).rejects.toThrow(
      /metric "val_f1" is not reported by the model; available: val_loss, val_acc/,
    );
    expect(tf.memory().numTensors).toBe(before);
    await expect(cv.crossValScore(tiny, params, x, y, { cv: 1 })).rejects.toThrow(/crossValScore.cv/);
    tf.dispose([x, y]);
  });
});

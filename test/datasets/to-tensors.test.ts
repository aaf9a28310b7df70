import * as tf from '@tensorflow/tfjs';

import { syntheticTabular, toTensors, type Dataset } from '../../src/api/datasets';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toTensors', () => {
  const ds: Dataset = {
    x: Float32Array.from([1, 2, 3, 4, 5, 6]),
    xShape: [3, 2],
    y: Int32Array.from([2, 0, 1]),
    numClasses: 3,
  };

  it('makes xs of xShape and float class ids, or one-hot rows', () => {
    const { xs, ys } = toTensors(ds);
    expect(xs.shape).toEqual([3, 2]);
    expect(ys.shape).toEqual([3]);
    expect(ys.dtype).toBe('float32');
    expect(Array.from(ys.dataSync())).toEqual([2, 0, 1]);
    const hot = toTensors(ds, { oneHot: true });
    expect(hot.ys.arraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    tf.dispose([xs, ys, hot.xs, hot.ys]);
  });

  it('uses yReal for regression and refuses one-hot there', () => {
    const reg: Dataset = {
      x: new Float32Array(4),
      xShape: [2, 2],
      y: new Int32Array(0),
      yReal: Float32Array.from([0.5, -1]),
      numClasses: 0,
    };
    const { xs, ys } = toTensors(reg);
    expect(Array.from(ys.dataSync())).toEqual([0.5, -1]);
    tf.dispose([xs, ys]);
    expect(() => toTensors(reg, { oneHot: true })).toThrow(/oneHot/);
    expect(() => toTensors({ ...reg, yReal: new Float32Array(1) })).toThrow(/yReal/);
  });

  it('leaves only the two returned tensors alive', () => {
    const before = tf.memory().numTensors;
    const { xs, ys } = toTensors(ds, { oneHot: true });
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('feeds model.fit: a small MLP learns the synthetic table', async () => {
    const data = syntheticTabular({
      nTrain: 600,
      nVal: 0,
      nFeatures: 6,
      nInformative: 3,
      classSep: 2,
      noise: 0,
      seed: 5,
    }).train;
    const { xs, ys } = toTensors(data);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [6],
          units: 16,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.dense({
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xs, ys, { epochs: 15, batchSize: 64, shuffle: false, verbose: 0 });
    const acc = history.history['acc'] ?? history.history['accuracy'] ?? [];
    expect(acc[acc.length - 1] as number).toBeGreaterThan(0.85);
    model.dispose();
    tf.dispose([xs, ys]);
  });
});

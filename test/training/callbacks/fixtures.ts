import * as tf from '@tensorflow/tfjs';

import type { HyperModel } from '../../../src/training/hyper-model';

/** Switches tfjs to the pure-JS cpu backend once per test file (no tfjs-node here). */
export async function useCpu(): Promise<void> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
}

/** A seeded two-layer classifier for `inputDim` features and `classes` classes, compiled. */
export function tinyClassifier(
  seed: number,
  optimizer: tf.Optimizer | string = 'adam',
  inputDim = 4,
  classes = 2,
  dropout = 0,
): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 8,
      activation: 'relu',
      inputShape: [inputDim],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed }));
  model.add(
    tf.layers.dense({
      units: classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return model;
}

/** Two Gaussian blobs, one-hot labels; deterministic. */
export function blobs(n: number, inputDim = 4, seed = 1): { x: tf.Tensor2D; y: tf.Tensor2D; labels: Int32Array } {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 2;
  const [x, y] = tf.tidy((): [tf.Tensor2D, tf.Tensor2D] => {
    const noise = tf.randomNormal([n, inputDim], 0, 1, 'float32', seed);
    const centre = tf.tensor2d(
      Array.from(labels, (l) => Array.from({ length: inputDim }, () => (l === 1 ? 1.5 : -1.5))),
    );
    return [noise.add<tf.Tensor2D>(centre), tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() as tf.Tensor2D];
  });
  return { x, y, labels };
}

/** A tiny HyperModel: one hidden layer of `units`, Adam at `lr`. */
export const tinyHyperModel: HyperModel = {
  name: 'tiny',
  defaults: { units: 4, lr: 0.01 },
  space: (trial) => ({
    units: trial.suggestInt('units', 2, 8),
    lr: trial.suggestFloat('lr', 1e-3, 1e-1, { log: true }),
  }),
  build: (params, ctx) => {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        units: params['units'] as number,
        activation: 'relu',
        inputShape: [...ctx.inputShape],
        kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed }),
      }),
    );
    model.add(
      tf.layers.dense({
        units: ctx.numClasses,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed + 1 }),
      }),
    );
    model.compile({
      optimizer: tf.train.adam(params['lr'] as number),
      loss: 'categoricalCrossentropy',
      metrics: ['acc'],
    });
    return model;
  },
};

import * as tf from '@tensorflow/tfjs';

import { batchNormTraining, fusedBatchNormalization, initBackend } from '../../../src/training/backend';
import { disposeModel } from '../../../src/training/dispose-model';
import { type Side, onBackend, relativeError, values } from './helpers';

// Against the stock ops on the same backend: max |fused - stock| / max |stock| per output and
// gradient (float64 sums in JS vs float32 reductions in tfjs).
const TOL = 1e-5;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const shape = [4, 5, 6, 3];
const xv = values(shape, 31).map((v) => 2 * v + 0.5);
const gv = values([3], 32);
const bv = values([3], 33);

describe.each<Side>(['cpu', 'wasm'])('fused batch norm on %s', (side) => {
  it('matches moments + batchNorm: outputs and gradients (x, gamma, beta)', async () => {
    await onBackend(side, () => {
      const run = (fused: boolean) =>
        tf.tidy(() => {
          const x = tf.tensor(xv, shape);
          const gamma = tf.tensor1d(gv);
          const beta = tf.tensor1d(bv);
          const weights = tf.tensor(values(shape, 34), shape);
          const forward = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            if (fused) return batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
            const m = tf.moments(a, [0, 1, 2]);
            return [tf.batchNorm(a, m.mean, m.variance, b, g, 1e-3), m.mean, m.variance] as const;
          };
          // The loss reads the mean and variance outputs too, so their gradient terms are checked.
          const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            const [y, mean, variance] = forward(a, g, b);
            return tf.addN([tf.sum(tf.mul(y, weights)), tf.sum(tf.mul(mean, 0.3)), tf.sum(tf.mul(variance, -0.7))]);
          };
          const outs = forward(x, gamma, beta).map((t) => Array.from(t.dataSync()));
          const grads = tf
            .grads(loss)([x, gamma, beta])
            .map((t) => Array.from(t.dataSync()));
          return [...outs, ...grads];
        });
      const fused = run(true);
      const stock = run(false);
      fused.forEach((f, i) => expect(relativeError(f, stock[i] ?? [])).toBeLessThan(TOL));
    });
  });

  it('trains like the stock layer (weights and moving statistics after 3 steps), no leaks', async () => {
    await tf.setBackend(side);
    const build = (fused: boolean) => {
      const model = tf.sequential();
      model.add(tf.layers.inputLayer({ inputShape: [5, 6, 3] }));
      model.add(fused ? fusedBatchNormalization({ momentum: 0.9 }) : tf.layers.batchNormalization({ momentum: 0.9 }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      return model;
    };
    const xs = tf.tensor(xv, shape);
    const ys = tf.tensor(values([4, 2], 35), [4, 2]);
    const before = tf.memory().numTensors;
    const weights: number[][][] = [];
    for (const fused of [true, false]) {
      const model = build(fused);
      for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
      weights.push(model.getWeights().map((w) => Array.from(w.dataSync())));
      disposeModel(model);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
    const [fused, stock] = weights as [number[][], number[][]];
    expect(fused).toHaveLength(stock.length);
    fused.forEach((w, i) => expect(relativeError(w, stock[i] ?? [])).toBeLessThan(1e-4));
  });

  it('serialises under its own class name with the stock config', () => {
    const layer = fusedBatchNormalization({ momentum: 0.9 });
    expect(layer.getClassName()).toBe('TfjsTuneFusedBatchNormalization');
    expect(layer.getConfig()).toEqual(tf.layers.batchNormalization({ momentum: 0.9, name: layer.name }).getConfig());
  });
});

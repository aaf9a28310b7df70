import * as tf from '@tensorflow/tfjs';

import { disposeModel } from '../../../src/training/dispose-model';
import * as callbacks from '../../../src/api/callbacks';
import * as schedules from '../../../src/api/schedules';
import { useCpu } from '../callbacks/fixtures';

beforeAll(useCpu);

/**
 * A one-weight linear model y = w * x with the loss mean(y_pred): with x = 1 the gradient is
 * exactly 1 at every step, so each optimiser's update has a closed form in the learning rate.
 */
function linearModel(optimizer: tf.Optimizer): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, useBias: false, inputShape: [1], kernelInitializer: 'zeros' }));
  model.compile({ optimizer, loss: (_yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(yPred, -1) });
  return model;
}

/** Expected Δw at step k (1-based) for gradient 1 and rate lr. */
type Update = (lr: number, k: number) => number;
const cases: Array<[string, () => tf.Optimizer, Update]> = [
  ['sgd', () => tf.train.sgd(1), (lr) => -lr],
  ['momentum', () => tf.train.momentum(1, 0.5), (lr, k) => -lr * (2 - 0.5 ** (k - 1))], // v_k = sum 0.5^j
  ['adam', () => tf.train.adam(1), (lr) => -lr], // m_hat = g, v_hat = g^2
  ['adamax', () => tf.train.adamax(1), (lr) => -lr],
  ['adagrad', () => tf.train.adagrad(1, 0.1), (lr, k) => -lr / Math.sqrt(0.1 + k)],
  ['rmsprop', () => tf.train.rmsprop(1, 0.9), (lr, k) => -lr / Math.sqrt(1 - 0.9 ** k)],
];

describe('learningRateSchedule really changes the rate the optimiser uses', () => {
  it.each(cases)('%s: rate read back each epoch, logged as lr, and Δw follows it', async (_name, make, update) => {
    const before = tf.memory().numTensors;
    const schedule = schedules.step({ initial: 0.1, dropEvery: 2, factor: 0.5 });
    const model = linearModel(make());
    const x = tf.ones([1, 1]);
    const seen: Array<{ w: number; lr: number }> = [];
    const recorder = new tf.CustomCallback({
      onEpochEnd: () => {
        seen.push({
          w: (model.getWeights()[0] as tf.Tensor).dataSync()[0] as number,
          lr: callbacks.getOptimizerLearningRate(model.optimizer),
        });
      },
    });
    const history = await model.fit(x, x, {
      epochs: 6,
      batchSize: 1,
      shuffle: false,
      verbose: 0,
      callbacks: [callbacks.learningRateSchedule(schedule), recorder],
    });
    const rates = [0, 1, 2, 3, 4, 5].map(schedule);
    expect(seen.map((s) => s.lr)).toEqual(rates);
    expect(history.history['lr']).toEqual(rates);
    let w = 0;
    seen.forEach((s, i) => {
      const delta = s.w - w;
      expect(delta).toBeCloseTo(update(rates[i] as number, i + 1), 5);
      w = s.w;
    });
    x.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before); // disposeModel also frees Momentum's forgotten -lr scalar
  });

  it('adadelta: the field changes and is logged', async () => {
    const before = tf.memory().numTensors;
    const model = linearModel(tf.train.adadelta(1));
    const x = tf.ones([1, 1]);
    const h = await model.fit(x, x, {
      epochs: 3,
      verbose: 0,
      callbacks: [callbacks.learningRateSchedule((e) => 0.5 / (e + 1))],
    });
    expect(h.history['lr']).toEqual([0.5, 0.25, 0.5 / 3]);
    x.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a schedule may use the current rate; verbose goes to the logger', async () => {
    const model = linearModel(tf.train.sgd(0.8));
    const x = tf.ones([1, 1]);
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: () => undefined };
    const h = await model.fit(x, x, {
      epochs: 3,
      verbose: 0,
      callbacks: [callbacks.learningRateSchedule((_e, lr) => lr / 2, { verbose: true, logger })],
    });
    expect(h.history['lr']).toEqual([0.4, 0.2, 0.1]);
    expect(lines).toHaveLength(3);
    x.dispose();
    disposeModel(model);
  });
});

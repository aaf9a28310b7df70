import * as tf from '@tensorflow/tfjs';

import { disposeModel } from '../../../src/training/dispose-model';
import * as callbacks from '../../../src/api/callbacks';
import * as schedules from '../../../src/api/schedules';
import { tinyClassifier, useCpu } from './fixtures';

beforeAll(useCpu);

describe('parameterSchedule', () => {
  it('schedules Momentum momentum: the cached scalar really changes the update', async () => {
    const before = tf.memory().numTensors;
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, useBias: false, inputShape: [1], kernelInitializer: 'zeros' }));
    model.compile({ optimizer: tf.train.momentum(0.1, 0), loss: (_t: tf.Tensor, p: tf.Tensor) => tf.mean(p, -1) });
    const x = tf.ones([1, 1]);
    const momenta = [0, 0.5, 0.9];
    const cb = callbacks.parameterSchedule(
      (m, mdl) => callbacks.setOptimizerMomentum(mdl.optimizer, m),
      (e) => momenta[e] as number,
      { logKey: 'momentum' },
    );
    const ws: number[] = [];
    const record = new tf.CustomCallback({
      onEpochEnd: () => void ws.push((model.getWeights()[0] as tf.Tensor).dataSync()[0] as number),
    });
    const h = await model.fit(x, x, { epochs: 3, verbose: 0, callbacks: [cb, record] });
    expect(h.history['momentum']).toEqual(momenta);
    // Gradient 1: v1 = 1, v2 = 0.5 * 1 + 1, v3 = 0.9 * 1.5 + 1; w -= 0.1 * v.
    expect(ws[0]).toBeCloseTo(-0.1, 6);
    expect(ws[1]).toBeCloseTo(-0.1 - 0.15, 6);
    expect(ws[2]).toBeCloseTo(-0.25 - 0.235, 6);
    x.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before); // disposeModel frees Momentum's forgotten -lr scalar too
  });

  it('schedules the dropout rate of the layers, which the next step uses', async () => {
    const model = tinyClassifier(1, 'sgd', 4, 2, 0.5);
    const x = tf.ones([8, 4]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
    const before = tf.memory().numTensors;
    const rates: number[] = [];
    const dropoutLayer = model.layers[1] as tf.layers.Layer;
    const record = new tf.CustomCallback({
      onEpochEnd: () => void rates.push(dropoutLayer.getConfig()['rate'] as number),
    });
    const cb = callbacks.parameterSchedule(
      (rate, mdl) => callbacks.setDropoutRate(mdl, rate),
      schedules.step({ initial: 0.4, dropEvery: 1, factor: 0.5 }),
      { logKey: 'dropout' },
    );
    const h = await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [cb, record] });
    expect(rates).toEqual([0.4, 0.2, 0.1]);
    expect(h.history['dropout']).toEqual([0.4, 0.2, 0.1]);

    expect(callbacks.setDropoutRate(model, 0.9)).toBe(1);
    const dropped = tf.tidy(() => {
      const out = dropoutLayer.apply(tf.ones([1, 4000]), { training: true }) as tf.Tensor;
      return out.equal(0).sum().dataSync()[0] as number;
    });
    expect(dropped / 4000).toBeGreaterThan(0.85);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    disposeModel(model);
  });

  it('setters refuse what they cannot set', () => {
    const adam = tf.train.adam(0.01);
    expect(() => callbacks.setOptimizerMomentum(adam, 0.9)).toThrow(/Adam optimizer has no momentum/);
    adam.dispose();
    const model = tinyClassifier(1);
    expect(() => callbacks.setDropoutRate(model, 0.5)).toThrow(/has no dropout layers/);
    expect(() => callbacks.setDropoutRate(model, 1)).toThrow(/dropout rate/);
    expect(() => callbacks.setOptimizerLearningRate(model.optimizer, -1)).toThrow(/learning rate/);
    disposeModel(model);
  });
});

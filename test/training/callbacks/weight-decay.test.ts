import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../../../src/errors';
import { fusedAdam } from '../../../src/training/backend';
import { getOptimizerWeightDecay, setOptimizerWeightDecay } from '../../../src/training/callbacks/weight-decay';
import { disposeModel } from '../../../src/training/dispose-model';
import { applyLiveParams, checkLiveMutable } from '../../../src/training/live-params';
import { adamFields } from '../../../src/training/backend';
import { mlp } from '../../../models/mlp';
import { useCpu } from './fixtures';

beforeAll(useCpu);

/** One weight w (starting at `w0`) whose loss is mean(w·x) with x = 1: the gradient is 1 at every step. */
function oneWeight(optimizer: tf.Optimizer, w0: number): { model: tf.LayersModel; x: tf.Tensor } {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 1,
      useBias: false,
      inputShape: [1],
      kernelInitializer: tf.initializers.constant({ value: w0 }),
    }),
  );
  model.compile({ optimizer, loss: (_t: tf.Tensor, p: tf.Tensor) => tf.mean(p, -1) });
  return { model, x: tf.ones([1, 1]) };
}

const weight = (model: tf.LayersModel): number => (model.getWeights()[0] as tf.Tensor).dataSync()[0] as number;

describe('decoupled weight decay', () => {
  it('scales the weights by 1 − lr·decay before the SGD step (SGDW)', async () => {
    const before = tf.memory().numTensors;
    const optimizer = tf.train.sgd(0.1);
    setOptimizerWeightDecay(optimizer, 0.5);
    const { model, x } = oneWeight(optimizer, 2);
    await model.fit(x, x, { epochs: 1, verbose: 0 });
    expect(weight(model)).toBeCloseTo(2 * (1 - 0.1 * 0.5) - 0.1, 6);
    x.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("is AdamW on the zoo's fused Adam, and a change takes effect at the next step", async () => {
    const before = tf.memory().numTensors;
    const optimizer = fusedAdam(0.1);
    setOptimizerWeightDecay(optimizer, 0.5);
    const { model, x } = oneWeight(optimizer, 2);
    await model.fit(x, x, { epochs: 1, verbose: 0 });
    // Adam's first bias-corrected step with a constant gradient is lr · 1 / (1 + eps).
    const afterOne = 2 * (1 - 0.05) - 0.1;
    expect(weight(model)).toBeCloseTo(afterOne, 5);
    setOptimizerWeightDecay(optimizer, 0);
    expect(getOptimizerWeightDecay(optimizer)).toBe(0);
    await model.fit(x, x, { epochs: 1, verbose: 0 });
    expect(weight(model)).toBeCloseTo(afterOne - 0.1, 5); // no decay on the second step
    x.dispose();
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is a zoo parameter: a model built with weight_decay decays, one built without does not', () => {
    const context = { inputShape: [4], numClasses: 3, seed: 1 };
    const decayed = mlp.build({ ...mlp.defaults, weight_decay: 0.003 }, context);
    const plain = mlp.build(mlp.defaults, context);
    expect(getOptimizerWeightDecay(decayed.optimizer)).toBe(0.003);
    expect(getOptimizerWeightDecay(plain.optimizer)).toBe(0);
    disposeModel(decayed);
    disposeModel(plain);
  });

  it('refuses a negative or non-finite decay, naming weight_decay', () => {
    const optimizer = tf.train.sgd(0.1);
    expect(() => setOptimizerWeightDecay(optimizer, -1)).toThrow(InvalidArgumentError);
    expect(() => setOptimizerWeightDecay(optimizer, Number.NaN)).toThrow(/weight_decay/);
    optimizer.dispose();
  });
});

describe('applyLiveParams', () => {
  it('puts learning rate, weight decay and betas into effect on a live Adam model', () => {
    const { model, x } = oneWeight(fusedAdam(0.01), 1);
    applyLiveParams(model, { learning_rate: 0.2, weight_decay: 0.01, beta1: 0.8, beta2: 0.99, units: 7 });
    const fields = adamFields(model.optimizer);
    expect([fields.learningRate, fields.beta1, fields.beta2]).toEqual([0.2, 0.8, 0.99]);
    expect(getOptimizerWeightDecay(model.optimizer)).toBe(0.01);
    expect(() => applyLiveParams(model, { momentum: 0.5 })).toThrow(/Adam optimizer has no momentum/);
    expect(() => applyLiveParams(model, { beta1: 1.5 })).toThrow(/beta1/);
    x.dispose();
    disposeModel(model);
  });

  it('refuses a mutation of an architecture parameter, naming it', () => {
    expect(() => checkLiveMutable(['learning_rate', 'weight_decay', 'units'])).toThrow(/hyperparamMutations\.units/);
    expect(() => checkLiveMutable(['learning_rate', 'weight_decay', 'beta1', 'momentum', 'dropout'])).not.toThrow();
  });
});

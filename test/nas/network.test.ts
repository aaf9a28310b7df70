import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { dartsModel, dartsNetworkOf, supernetFor } from '../../src/nas/darts-model';
import { DARTS_V2 } from '../../src/nas/genotype';
import { images, maxAbsDiff, saveAndLoad } from './helpers';

/** One compiled fit epoch, so weights and batch-norm statistics move away from their initial values. */
async function trainBriefly(model: tf.LayersModel, x: tf.Tensor4D, y: tf.Tensor2D): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
}

describe('DARTS networks as tfjs models (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each([
    ['the supernet', null],
    ['a network derived from DARTS_V2', DARTS_V2],
  ] as const)(
    '%s: logits of the right shape; after training, save -> load gives identical predictions',
    async (_, genotype) => {
      const base = tf.memory().numTensors;
      const x = images(8, 8, 3, 4);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3) as tf.Tensor2D);
      const model = dartsModel({ inputShape: [8, 8, 3], numClasses: 3, channels: 4, cells: 3, genotype, seed: 7 });
      const network = dartsNetworkOf(model);
      // α is part of the supernet only; a derived net has learnable batch-norm scales instead.
      expect(network.alphaWeights()).toHaveLength(genotype === null ? 2 : 0);
      const before = model.predict(x) as tf.Tensor;
      await trainBriefly(model, x, y);
      const after = model.predict(x) as tf.Tensor;
      expect(after.shape).toEqual([8, 3]);
      expect(maxAbsDiff(before, after)).toBeGreaterThan(1e-4);
      const loaded = await saveAndLoad(model);
      const again = loaded.predict(x) as tf.Tensor;
      expect(maxAbsDiff(after, again)).toBe(0);
      expect(dartsNetworkOf(loaded).genotype).toEqual(genotype);
      tf.dispose([x, y, before, after, again]);
      disposeModel(model);
      disposeModel(loaded);
      expect(tf.memory().numTensors).toBe(base);
    },
  );

  it('supernetFor takes its input shape and classes from the data, and refuses data that are not images', () => {
    const base = tf.memory().numTensors;
    const part = (shape: number[]) => ({
      x: new Float32Array(shape.reduce((a, b) => a * b, 1)),
      xShape: shape,
      y: new Int32Array(shape[0] as number),
      numClasses: 5,
    });
    const model = supernetFor(
      { train: part([2, 8, 8, 3]), val: part([2, 8, 8, 3]) },
      { channels: 4, cells: 3, seed: 1 },
    );
    expect(model.inputs[0]?.shape).toEqual([null, 8, 8, 3]);
    expect(model.outputs[0]?.shape).toEqual([null, 5]);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(base);
    expect(() => supernetFor({ train: part([2, 12]), val: part([2, 12]) }, { channels: 4, cells: 3, seed: 1 })).toThrow(
      /data\.train\.xShape: .*images/,
    );
  });
});

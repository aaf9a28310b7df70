import * as tf from '@tensorflow/tfjs';

import { lstm } from '../../models/lstm';
import { mlp } from '../../models/mlp';
import { SeededDropout, dropoutMultiplier } from '../../models/seeded-dropout';
import { disposeModel } from '../../src/training/dispose-model';
import { initBackend } from '../../src/training/backend/select-backend';
import { syntheticImdb } from '../../datasets/synthetic-imdb';
import { toTensors } from '../../datasets/to-tensors';

describe('SeededDropout', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('draws a fresh mask each training call, the same sequence for the same seed, and is the identity at inference', () => {
    const x = tf.ones([4, 50]);
    const masks = (seed: number): number[][] => {
      const layer = new SeededDropout({ rate: 0.5, seed });
      return [0, 1].map((i) => {
        void i;
        const y = layer.apply(x, { training: true }) as tf.Tensor;
        const v = Array.from(y.dataSync());
        y.dispose();
        return v;
      });
    };
    const [a1, a2] = masks(7);
    const [b1, b2] = masks(7);
    expect(a1).toEqual(b1);
    expect(a2).toEqual(b2);
    expect(a1).not.toEqual(a2); // tf.layers.dropout({ seed }) would repeat its mask here
    expect(new Set(a1)).toEqual(new Set([0, 2])); // inverted dropout keeps the expectation
    const inference = new SeededDropout({ rate: 0.5, seed: 7 }).apply(x) as tf.Tensor;
    expect(Array.from(inference.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, inference]);
  });

  it('makes zoo models with dropout train reproducibly (same seed, same weights)', async () => {
    const data = syntheticImdb({ nTrain: 64, nVal: 16, vocabSize: 100, maxLen: 12, seed: 1 });
    const train = toTensors(data.train, { oneHot: true });
    const weightsAfterTraining = async (): Promise<number[]> => {
      const model = lstm.build(
        { ...lstm.defaults, dropout: 0.3, units: 8 },
        { inputShape: [12], numClasses: 2, vocabSize: 100, seed: 3 },
      );
      await model.fit(train.xs, train.ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
      const w = Array.from(model.getWeights()[0]!.dataSync());
      disposeModel(model);
      return w;
    };
    expect(await weightsAfterTraining()).toEqual(await weightsAfterTraining());
    tf.dispose([train.xs, train.ys]);
  });

  it('survives a serialisation round trip inside a model', () => {
    const model = mlp.build({ ...mlp.defaults, dropout: 0.2 }, { inputShape: [6], numClasses: 2, seed: 1 });
    const json = model.toJSON(null, false) as unknown as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.some((l) => l.class_name === 'TfjsTuneSeededDropout')).toBe(true);
    disposeModel(model);
  });
});

describe.each(['cpu', 'wasm'] as const)('dropoutMultiplier on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each([0.1, 0.25, 0.5, 0.9])('gives tf.dropout’s output bit for bit (rate %s)', (rate) => {
    tf.tidy(() => {
      const x = tf.randomNormal([7, 33], 0, 1, 'float32', 3);
      for (const seed of [1, 12345, 2147483646]) {
        const ours = tf.mul(x, dropoutMultiplier(x.shape, rate, seed));
        expect(Array.from(ours.dataSync())).toEqual(Array.from(tf.dropout(x, rate, undefined, seed).dataSync()));
      }
    });
  });
});

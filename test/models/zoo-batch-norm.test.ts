import * as tf from '@tensorflow/tfjs';

import { cnn } from '../../models/cnn';
import { mlp } from '../../models/mlp';
import { FusedBatchNormalization, initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { stockTopology } from '../../src/training/evaluate/export-layers-model';
import { maxAbsDiff, saveAndLoad } from '../nas/helpers';

describe('the zoo models with batch norm (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each([
    ['cnn', cnn, [8, 8, 3]],
    ['mlp', mlp, [6]],
  ] as const)(
    '%s: the fused batch norm trains, reloads to the same predictions and exports as the stock layer',
    async (_, model, inputShape) => {
      const base = tf.memory().numTensors;
      const built = model.build(
        { ...model.defaults, batch_norm: true, num_blocks: 1, num_layers: 1, filters: 4, units_0: 8 },
        { inputShape: inputShape.slice(), numClasses: 3, seed: 2 },
      );
      const bn = built.layers.filter((l) => l instanceof FusedBatchNormalization);
      expect(bn).toHaveLength(1);
      const x = tf.randomUniform([12, ...inputShape], 0, 1, 'float32', 3);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3));
      const before = bn[0]?.getWeights().map((w) => w.arraySync());
      await built.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      // Training moved gamma/beta and the moving statistics.
      const after = bn[0]?.getWeights().map((w) => w.arraySync());
      expect(after).not.toEqual(before);
      const loaded = await saveAndLoad(built);
      const [p, q] = [built.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(maxAbsDiff(p, q)).toBeLessThan(1e-6);
      const topology = JSON.stringify(stockTopology(built.toJSON(null, false)));
      expect(topology).toContain('"class_name":"BatchNormalization"');
      expect(topology).not.toMatch(/"class_name":"TfjsTune/);
      tf.dispose([p, q, x, y]);
      disposeModel(built);
      disposeModel(loaded);
      expect(tf.memory().numTensors).toBe(base);
    },
  );
});

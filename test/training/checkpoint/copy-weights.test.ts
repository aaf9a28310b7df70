import * as tf from '@tensorflow/tfjs';

import { disposeModel } from '../../../src/training/dispose-model';
import { copyWeights } from '../../../src/api/checkpoints';
import { blobs, tinyClassifier, useCpu } from '../callbacks/fixtures';

beforeAll(useCpu);

const fitArgs = { batchSize: 8, shuffle: false, verbose: 0 } as const;
const weightsOf = (m: tf.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('copyWeights', () => {
  it('copies every weight; the target does not follow later training of the source', async () => {
    const { x, y } = blobs(16);
    const before = tf.memory().numTensors;
    const from = tinyClassifier(1, tf.train.sgd(0.1));
    const to = tinyClassifier(2, tf.train.sgd(0.1));
    await from.fit(x, y, { ...fitArgs, epochs: 1 });
    await copyWeights(from, to);
    const copied = weightsOf(from);
    expect(weightsOf(to)).toEqual(copied);
    await from.fit(x, y, { ...fitArgs, epochs: 1 });
    expect(weightsOf(to)).toEqual(copied);
    expect(weightsOf(from)).not.toEqual(copied);
    disposeModel(from);
    disposeModel(to);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('with includeOptimizer (Adam), both models continue identically; old slots are freed', async () => {
    const { x, y } = blobs(16);
    const before = tf.memory().numTensors;
    const from = tinyClassifier(1, tf.train.adam(0.02));
    const to = tinyClassifier(2, tf.train.adam(0.02));
    await from.fit(x, y, { ...fitArgs, epochs: 2 });
    await to.fit(x, y, { ...fitArgs, epochs: 1 }); // the target has slots of its own, to be replaced
    await copyWeights(from, to, { includeOptimizer: true });
    await from.fit(x, y, { ...fitArgs, epochs: 1 });
    await to.fit(x, y, { ...fitArgs, epochs: 1 });
    expect(weightsOf(to)).toEqual(weightsOf(from));
    disposeModel(from);
    disposeModel(to);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('names the first mismatching weight, and refuses mismatched optimisers', async () => {
    const a = tinyClassifier(1, 'adam', 4);
    const b = tinyClassifier(1, 'adam', 5);
    await expect(copyWeights(a, b)).rejects.toThrow(
      /copyWeights: weight 0 "dense_Dense\d+\/kernel" of "sequential_\d+" is float32\[5, 8\] but "dense_Dense\d+\/kernel" of "sequential_\d+" is float32\[4, 8\]/,
    );
    const c = tinyClassifier(1, tf.train.sgd(0.1));
    await expect(copyWeights(a, c, { includeOptimizer: true })).rejects.toThrow(
      /optimizer classes differ \(Adam in .*SGD in/,
    );
    const d = tinyClassifier(1, 'adam', 4, 3);
    await expect(copyWeights(a, d)).rejects.toThrow(/weight 2 .*float32\[8, 3\]/);
    [a, b, c, d].forEach(disposeModel);
  });
});

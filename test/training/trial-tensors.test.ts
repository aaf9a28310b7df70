import * as tf from '@tensorflow/tfjs';

import type { Dataset, DatasetSplits } from '../../datasets/types';
import { Rng } from '../../src/random/rng';
import { disposeModel } from '../../src/training/dispose-model';
import { seededTensors } from '../../src/training/trial-tensors';
import { tinyClassifier, useCpu } from './callbacks/fixtures';

beforeAll(useCpu);

/** 24 samples whose first feature is the sample's id and whose label is its parity. */
function idData(): DatasetSplits {
  const n = 24;
  const table = (count: number): Dataset => {
    const x = new Float32Array(count * 4);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      x.set([i, i % 2, 1, -1], i * 4);
      y[i] = i % 2;
    }
    return { x, xShape: [count, 4], y, numClasses: 2 };
  };
  return { train: table(n), val: table(4) };
}

/** The sample ids of the training rows at the start of each epoch of a fit, and the fitted weights. */
async function ordersSeen(
  seed: number,
  epochs: { from: number; to: number },
  reshuffle = true,
): Promise<{ orders: number[][]; weights: number[] }> {
  const tensors = seededTensors(idData(), new Rng(seed));
  const model = tinyClassifier(3, 'sgd');
  const orders: number[][] = [];
  const look = new tf.CustomCallback({
    onEpochBegin: async () => {
      const xs = (await tensors.train.xs.array()) as number[][];
      const ys = (await tensors.train.ys.array()) as number[][];
      // Features and labels move together.
      xs.forEach((row, i) => expect(ys[i]?.[1]).toBe((row[0] as number) % 2));
      orders.push(xs.map((row) => row[0] as number));
    },
  });
  await model.fit(tensors.train.xs, tensors.train.ys, {
    epochs: epochs.to,
    initialEpoch: epochs.from,
    batchSize: 4,
    shuffle: false,
    verbose: 0,
    callbacks: reshuffle ? [tensors.reshuffleEachEpoch(), look] : [look],
  });
  const weights = Array.from(await (model.getWeights()[0] as tf.Tensor).data());
  disposeModel(model);
  tensors.dispose();
  return { orders, weights };
}

describe('the training rows are reshuffled every epoch, seeded', () => {
  it('gives each epoch its own order of the same rows, the same orders for the same seed, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const a = await ordersSeen(0, { from: 0, to: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const ids = Array.from({ length: 24 }, (_, i) => i);
    for (const order of a.orders) expect([...order].sort((x, y) => x - y)).toEqual(ids);
    expect(a.orders[1]).not.toEqual(a.orders[0]);
    expect(a.orders[2]).not.toEqual(a.orders[1]);
    const again = await ordersSeen(0, { from: 0, to: 3 });
    expect(again.orders).toEqual(a.orders);
    expect(again.weights).toEqual(a.weights);
    const other = await ordersSeen(1, { from: 0, to: 3 });
    expect(other.orders[0]).not.toEqual(a.orders[0]);
  });

  it('lets a fit resumed at initialEpoch see the orders a fit from the start does', async () => {
    const full = await ordersSeen(5, { from: 0, to: 4 });
    const resumed = await ordersSeen(5, { from: 2, to: 4 });
    expect(resumed.orders).toEqual(full.orders.slice(2));
  });

  it('changes what fit trains on: without the callback every epoch repeats the first order', async () => {
    const fixed = await ordersSeen(0, { from: 0, to: 3 }, false);
    expect(fixed.orders[1]).toEqual(fixed.orders[0]);
    const shuffled = await ordersSeen(0, { from: 0, to: 3 });
    expect(shuffled.orders[0]).toEqual(fixed.orders[0]);
    // Same first epoch, other later batches: plain SGD ends elsewhere.
    expect(shuffled.weights).not.toEqual(fixed.weights);
  });
});

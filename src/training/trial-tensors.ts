import * as tf from '@tensorflow/tfjs';

import { numSamples, type DatasetSplits } from '../../datasets/types';
import { permutation, subset } from '../../datasets/dataset-ops';
import { toTensors } from '../../datasets/to-tensors';
import type { Rng } from '../random/rng';
import type { Trial } from '../study/trial';
import type { BuildContext } from './hyper-model';

/** A trial's training and validation tensors; `dispose` frees all four. */
export interface TrialTensors {
  readonly train: { readonly xs: tf.Tensor; readonly ys: tf.Tensor };
  readonly val: { readonly xs: tf.Tensor; readonly ys: tf.Tensor };
  /**
   * A callback for `fit` (with `shuffle: false`) that puts the training rows in epoch `e`'s order
   * before the epoch starts, as Keras' and PyTorch's per-epoch shuffling do, but seeded: epoch 0 the
   * first order, each later epoch its own, drawn from the trial's stream and the epoch number alone,
   * so a fit resumed at `initialEpoch` sees the orders a fit from the start would have.
   */
  reshuffleEachEpoch(): tf.Callback;
  dispose(): void;
}

/** The build context a zoo model needs for this dataset, seeded for `seed`. */
export function buildContextFor(data: DatasetSplits, seed: number): BuildContext {
  const vocabSize = data.train.vocabulary?.length;
  return {
    inputShape: data.train.xShape.slice(1),
    numClasses: data.train.numClasses,
    seed,
    ...(vocabSize !== undefined ? { vocabSize } : {}),
  };
}

/**
 * Training and validation tensors: training data in an order drawn from `rng` (tfjs's `shuffle`
 * draws from Math.random; a seeded order keeps training reproducible), labels one-hot for
 * classification; `reshuffleEachEpoch` reorders the training rows per epoch.
 */
export function seededTensors(data: DatasetSplits, rng: Rng): TrialTensors {
  const oneHot = data.train.numClasses > 0;
  const orderRng = rng.derive('data-order');
  const n = numSamples(data.train);
  const firstOrder = permutation(n, orderRng);
  const first = toTensors(subset(data.train, firstOrder), { oneHot });
  // Variables, so that an epoch's reorder replaces their data in place: fit keeps the tensor objects
  // it was given and slices every batch from their data at the time.
  const train = { xs: tf.variable(first.xs, false), ys: tf.variable(first.ys, false) };
  first.xs.dispose();
  first.ys.dispose();
  const val = toTensors(data.val, { oneHot });
  let current = firstOrder; // current[i]: the sample in row i
  const reorderTo = (order: Int32Array): void => {
    const rowOf = new Int32Array(n);
    for (let i = 0; i < n; i++) rowOf[current[i] as number] = i;
    const rows = order.map((sample) => rowOf[sample] as number);
    tf.tidy(() => {
      const indices = tf.tensor1d(rows, 'int32');
      train.xs.assign(tf.gather(train.xs, indices));
      train.ys.assign(tf.gather(train.ys, indices));
    });
    current = order;
  };
  return {
    train,
    val,
    reshuffleEachEpoch: () =>
      new EpochOrder((epoch) => reorderTo(epoch === 0 ? firstOrder : permutation(n, orderRng.derive('epoch', epoch)))),
    dispose: () => {
      for (const t of [train.xs, train.ys, val.xs, val.ys]) t.dispose();
    },
  };
}

/** Calls `reorder(epoch)` as each epoch begins. */
class EpochOrder extends tf.Callback {
  constructor(private readonly reorder: (epoch: number) => void) {
    super();
  }

  override onEpochBegin(epoch: number): Promise<void> {
    this.reorder(epoch);
    return Promise.resolve();
  }
}

/** The trial's tensors, ordered by the trial's own stream. */
export function trialTensors(data: DatasetSplits, trial: Trial): TrialTensors {
  return seededTensors(data, trial.rng);
}

import type * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../datasets/types';
import { shuffleDataset } from '../../datasets/dataset-ops';
import { toTensors } from '../../datasets/to-tensors';
import type { Trial } from '../study/trial';
import type { BuildContext } from './hyper-model';

/** A trial's training and validation tensors; `dispose` frees all four. */
export interface TrialTensors {
  readonly train: { readonly xs: tf.Tensor; readonly ys: tf.Tensor };
  readonly val: { readonly xs: tf.Tensor; readonly ys: tf.Tensor };
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
 * The trial's tensors: training data in an order drawn from the trial's own stream (tfjs's `shuffle`
 * draws from Math.random; a seeded order keeps the trial reproducible), labels one-hot for
 * classification.
 */
export function trialTensors(data: DatasetSplits, trial: Trial): TrialTensors {
  const oneHot = data.train.numClasses > 0;
  const train = toTensors(shuffleDataset(data.train, trial.rng.derive('data-order')), { oneHot });
  const val = toTensors(data.val, { oneHot });
  return {
    train,
    val,
    dispose: () => {
      for (const t of [train.xs, train.ys, val.xs, val.ys]) t.dispose();
    },
  };
}

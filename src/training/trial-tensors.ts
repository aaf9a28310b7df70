import type * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../datasets/types';
import { shuffleDataset } from '../../datasets/dataset-ops';
import { toTensors } from '../../datasets/to-tensors';
import type { Rng } from '../random/rng';
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
 * Training and validation tensors: training data in an order drawn from `rng` (tfjs's `shuffle`
 * draws from Math.random; a seeded order keeps training reproducible), labels one-hot for
 * classification.
 */
export function seededTensors(data: DatasetSplits, rng: Rng): TrialTensors {
  const oneHot = data.train.numClasses > 0;
  const train = toTensors(shuffleDataset(data.train, rng.derive('data-order')), { oneHot });
  const val = toTensors(data.val, { oneHot });
  return {
    train,
    val,
    dispose: () => {
      for (const t of [train.xs, train.ys, val.xs, val.ys]) t.dispose();
    },
  };
}

/** The trial's tensors, ordered by the trial's own stream. */
export function trialTensors(data: DatasetSplits, trial: Trial): TrialTensors {
  return seededTensors(data, trial.rng);
}

import type * as tf from '@tensorflow/tfjs';

import { shuffleDataset } from '../../datasets/dataset-ops';
import { toTensors } from '../../datasets/to-tensors';
import type { Dataset } from '../../datasets/types';
import { InvalidArgumentError } from '../errors';
import type { Rng } from '../random/rng';
import { disposeModel } from './dispose-model';
import type { HyperModel, Params } from './hyper-model';

export interface RefitOptions {
  /** Epochs to train: as many as the configuration trained for in its trial (scikit-learn's refit reuses max_iter). */
  readonly epochs: number;
  /** Batch size when the params have no `batch_size`. Default 32. */
  readonly batchSize?: number;
  /** Draws the build's seed and the data order. */
  readonly rng: Rng;
  /** Fit callbacks for the refit (a learning-rate schedule the trials ran with, so the refit runs it too). */
  readonly callbacks?: (params: Params) => tf.Callback[];
}

/**
 * scikit-learn's `refit`: builds the model of one configuration and trains it on all of `data` (train
 * and validation together, already encoded) for a fixed number of epochs, with no validation part
 * left to select on. Returns the fitted model; the caller owns it.
 */
export async function refitModel(
  hyperModel: HyperModel,
  params: Params,
  data: Dataset,
  options: RefitOptions,
): Promise<tf.LayersModel> {
  if (!Number.isInteger(options.epochs) || options.epochs < 1)
    throw new InvalidArgumentError('refit epochs', options.epochs, 'an integer >= 1');
  const full = { ...hyperModel.defaults, ...params };
  const vocabSize = data.vocabulary?.length;
  const model = hyperModel.build(full, {
    inputShape: data.xShape.slice(1),
    numClasses: data.numClasses,
    seed: options.rng.derive('build').nextSeed(),
    ...(vocabSize !== undefined ? { vocabSize } : {}),
  });
  const { xs, ys } = toTensors(shuffleDataset(data, options.rng.derive('data-order')), { oneHot: data.numClasses > 0 });
  try {
    const batch = full['batch_size'];
    await model.fit(xs, ys, {
      epochs: options.epochs,
      batchSize: typeof batch === 'number' ? batch : (options.batchSize ?? 32),
      shuffle: false,
      verbose: 0,
      callbacks: options.callbacks?.(full) ?? [],
    });
    return model;
  } catch (e) {
    disposeModel(model);
    throw e;
  } finally {
    xs.dispose();
    ys.dispose();
  }
}

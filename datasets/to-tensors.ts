import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../src/errors';
import { numSamples, type Dataset } from './types';

export interface ToTensorsOptions {
  /** Labels as `[N, numClasses]` one-hot rows (for categoricalCrossentropy). Default false: `[N]` class ids. */
  oneHot?: boolean;
}

/**
 * The dataset as tensors for `model.fit`: `xs` of `ds.xShape` (float32), and `ys` as float32 class ids
 * `[N]` (what sparseCategoricalCrossentropy and binaryCrossentropy read), one-hot `[N, numClasses]`, or
 * for regression the `[N]` targets. The caller owns both tensors and must dispose them.
 */
export function toTensors(ds: Dataset, options: ToTensorsOptions = {}): { xs: tf.Tensor; ys: tf.Tensor } {
  const n = numSamples(ds);
  if (ds.numClasses === 0) {
    if (ds.yReal === undefined || ds.yReal.length !== n) {
      throw new InvalidArgumentError('yReal', ds.yReal?.length, `${n} regression targets (numClasses is 0)`);
    }
    if (options.oneHot === true) throw new InvalidArgumentError('oneHot', true, 'false for a regression dataset');
  } else if (ds.y.length !== n) {
    throw new InvalidArgumentError('y', ds.y.length, `${n} class ids`);
  }
  const xs = tf.tensor(ds.x, ds.xShape, 'float32');
  const ys = tf.tidy(() => {
    if (ds.numClasses === 0) return tf.tensor1d(ds.yReal as Float32Array, 'float32');
    const ids = tf.tensor1d(ds.y, 'int32');
    return options.oneHot === true ? tf.oneHot(ids, ds.numClasses).toFloat() : ids.toFloat();
  });
  return { xs, ys };
}

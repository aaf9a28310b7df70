import * as tf from '@tensorflow/tfjs';

import { asTensor } from './tensor-info';
import { attrsOf } from '../internals';

/**
 * `UnsortedSegmentSum` (the gradient of `gather`, so of every embedding) through `ScatterNd`, which
 * on wasm adds up duplicate indices. Ids outside `[0, numSegments)` are dropped, as TensorFlow does:
 * they are pointed at segment 0 with their rows zeroed, so no out-of-range write can reach the
 * scatter.
 */
export const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { numSegments } = attrsOf<tf.UnsortedSegmentSumAttrs>(attrs);
  const kernelBackend = backend as tf.KernelBackend;
  return tf.tidy(() => {
    const x = asTensor(inputs['x'], kernelBackend, 'x');
    const ids = tf.cast(asTensor(inputs['segmentIds'], kernelBackend, 'segmentIds'), 'int32');
    const rows = ids.size;
    const rest = x.shape.slice(ids.rank);
    const flatIds = tf.reshape(ids, [rows]);
    const inRange = tf.logicalAnd(tf.greaterEqual(flatIds, 0), tf.less(flatIds, numSegments));
    const safeIds = tf.where(inRange, flatIds, tf.zerosLike(flatIds));
    const keep = tf.reshape(tf.cast(inRange, x.dtype), [rows, ...rest.map(() => 1)]);
    const updates = tf.mul(tf.reshape(x, [rows, ...rest]), keep);
    return tf.scatterND(tf.reshape(safeIds, [rows, 1]), updates, [numSegments, ...rest]);
  });
};

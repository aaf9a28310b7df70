import * as tf from '@tensorflow/tfjs';

import { spreadAxis } from './conv-layout';
import { asTensor } from './tensor-info';
import { attrsOf } from '../internals';

/**
 * `Conv3DBackpropInputV2` for wasm, whose own kernel (tfjs 4.22) returns wrong input gradients
 * (off by up to 100% against finite differences, while the cpu backend agrees with them). Same
 * identity as the 2D case: spread dy by the strides, pad it, and run a stride-1 forward conv3d
 * (which wasm gets right) with the flipped, in/out-swapped filter.
 */
export const conv3DBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { strides, pad, inputShape } = attrsOf<tf.Conv3DBackpropInputV2Attrs>(attrs);
  const kernelBackend = backend as tf.KernelBackend;
  return tf.tidy(() => {
    const dy = asTensor(inputs['dy'], kernelBackend, 'dy') as tf.Tensor5D;
    const filter = asTensor(inputs['filter'], kernelBackend, 'filter') as tf.Tensor5D;
    const info = tf.backend_util.computeConv3DInfo(inputShape, filter.shape, strides, 1, pad);
    const spread = spreadAxis(
      spreadAxis(spreadAxis(dy, 1, info.strideDepth), 2, info.strideHeight),
      3,
      info.strideWidth,
    );
    const sides = [
      [info.effectiveFilterDepth, info.padInfo.front, info.inDepth],
      [info.effectiveFilterHeight, info.padInfo.top, info.inHeight],
      [info.effectiveFilterWidth, info.padInfo.left, info.inWidth],
    ] as const;
    const amounts = sides.map(([k, padBefore, size], i) => {
      const before = k - 1 - padBefore;
      const after = size + k - 1 - before - (spread.shape[i + 1] ?? 0);
      return [before, after] as [number, number];
    });
    const padded = tf.pad(spread, [
      [0, 0],
      ...amounts.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)] as [number, number]),
      [0, 0],
    ]);
    const begin = [0, ...amounts.map(([b]) => Math.max(-b, 0)), 0];
    const size = [-1, ...amounts.map(([b, a], i) => (spread.shape[i + 1] ?? 0) + b + a), -1];
    const cropped = tf.slice(padded, begin, size);
    const turned = tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3]);
    return tf.conv3d(cropped, turned, 1, 'valid');
  });
};

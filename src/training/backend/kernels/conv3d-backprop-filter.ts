import * as tf from '@tensorflow/tfjs';

import { asTensor } from './tensor-info';
import { attrsOf } from '../internals';

/**
 * `Conv3DBackpropFilterV2` for wasm, whose own kernel (tfjs 4.22) is right at stride 1 and wrong at
 * stride 2 (against finite differences; cpu agrees with them). The 3D form of the 2D identity: one
 * forward conv3d of the padded x with batch and channels swapped, by dy as the filter, dilated by
 * the forward strides.
 */
export const conv3DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { strides, pad, filterShape } = attrsOf<tf.Conv3DBackpropFilterV2Attrs>(attrs);
  const kernelBackend = backend as tf.KernelBackend;
  return tf.tidy(() => {
    const x = asTensor(inputs['x'], kernelBackend, 'x') as tf.Tensor5D;
    const dy = asTensor(inputs['dy'], kernelBackend, 'dy') as tf.Tensor5D;
    const info = tf.backend_util.computeConv3DInfo(x.shape, filterShape, strides, 1, pad);
    const { front, back, top, bottom, left, right } = info.padInfo;
    const padded = tf.pad(x, [
      [0, 0],
      [front, back],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    const swapped = tf.transpose(padded, [4, 1, 2, 3, 0]);
    const dyFilter = tf.transpose(dy, [1, 2, 3, 0, 4]);
    const full = tf.conv3d(swapped, dyFilter, 1, 'valid', 'NDHWC', [
      info.strideDepth,
      info.strideHeight,
      info.strideWidth,
    ]);
    const [kd, kh, kw, inC, outC] = filterShape;
    const grad = tf.slice(full, [0, 0, 0, 0, 0], [inC, kd, kh, kw, outC]);
    return tf.transpose(grad, [1, 2, 3, 0, 4]);
  });
};

import * as tf from '@tensorflow/tfjs';

import { flipSpatial, padForInputGradient, spreadWithZeros } from './conv-layout';
import { asTensor } from './tensor-info';
import { attrsOf } from '../internals';

/**
 * Wraps wasm's `Conv2DBackpropInput`, a plain loop outside XNNPACK, with the textbook identity
 * `dx = conv(pad(spread(dy)), flip(filter)^T)`: a forward conv, which XNNPACK runs many times faster.
 * For strides > 1 the spread dy is mostly zeros, so the forward conv does s*s times the needed work;
 * `maxStride` says up to which stride that still wins (measured in benchmarks/training-kernels.ts).
 * NCHW falls through to the original.
 */
export function conv2DBackpropInputViaConv(original: tf.KernelConfig, maxStride: number): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrsOf<tf.Conv2DBackpropInputAttrs>(attrs);
    const dyInfo = inputs['dy'];
    const filterInfo = inputs['filter'];
    if (dataFormat === 'NCHW' || dyInfo === undefined || filterInfo === undefined) {
      return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    }
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filterInfo.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    if (info.strideHeight > maxStride || info.strideWidth > maxStride) {
      return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    }
    const kernelBackend = backend as tf.KernelBackend;
    return tf.tidy(() => {
      const dy = asTensor(dyInfo, kernelBackend, 'dy') as tf.Tensor4D;
      const filter = asTensor(filterInfo, kernelBackend, 'filter') as tf.Tensor4D;
      const padded = padForInputGradient(spreadWithZeros(dy, info.strideHeight, info.strideWidth), info);
      const turned = tf.transpose(flipSpatial(filter), [0, 1, 3, 2]);
      return tf.conv2d(padded, turned, 1, 'valid');
    });
  };
}

import * as tf from '@tensorflow/tfjs';

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { flipSpatial, inputGradientPads, padForInputGradient, spreadWithZeros } from './conv-layout';
import { asTensor } from './tensor-info';
import { attrsOf } from '../internals';
import { simdKernelsFor } from '../simd/simd-kernels';

/**
 * Wraps wasm's `Conv2DBackpropInput`, a plain loop outside XNNPACK, with the textbook identity
 * `dx = conv(pad(spread(dy)), flip(filter)^T)`: a forward conv, which XNNPACK runs many times faster.
 * For strides > 1 the spread dy is mostly zeros, so the forward conv does s*s times the needed work;
 * `maxStride` says up to which stride that still wins (measured in benchmarks/training-kernels.ts).
 * Where our C kernels load, the filter is turned in one pass (wasm's Reverse + Transpose were 4%
 * of a large CNN's step) and the padding is the conv's own (explicit), not a padded copy of dy.
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
    const simd = filterInfo.dtype === 'float32' ? simdKernelsFor(kernelBackend) : undefined;
    return tf.tidy(() => {
      const dy = asTensor(dyInfo, kernelBackend, 'dy') as tf.Tensor4D;
      const spread = spreadWithZeros(dy, info.strideHeight, info.strideWidth);
      if (simd === undefined) {
        const filter = asTensor(filterInfo, kernelBackend, 'filter') as tf.Tensor4D;
        const turned = tf.transpose(flipSpatial(filter), [0, 1, 3, 2]);
        return tf.conv2d(padForInputGradient(spread, info), turned, 1, 'valid');
      }
      const [kh, kw, inC, outC] = filterInfo.shape as [number, number, number, number];
      const turnedInfo = (backend as BackendWasm).makeOutput([kh, kw, outC, inC], 'float32');
      simd.fn.flip_transpose_filter(simd.pointer(filterInfo), simd.pointer(turnedInfo), kh, kw, inC, outC);
      const turned = tf.engine().makeTensorFromTensorInfo(turnedInfo, kernelBackend) as tf.Tensor4D;
      const { top, bottom, left, right } = inputGradientPads(spread.shape, info);
      if (top < 0 || bottom < 0 || left < 0 || right < 0) {
        return tf.conv2d(padForInputGradient(spread, info), turned, 1, 'valid');
      }
      return tf.conv2d(spread, turned, 1, [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ]);
    });
  };
}

import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { padSpatial } from './conv-layout';
import { asTensor } from './tensor-info';
import { attrsOf } from '../internals';
import { convGeometry, simdKernelsFor } from '../simd/simd-kernels';

/**
 * `Conv2DBackpropFilter` for a backend that has none (wasm in tfjs 4.22), as one forward conv:
 *
 *   dW[u, v, ci, co] = sum over b, i, j of xPadded[b, u + i*sh, v + j*sw, ci] * dy[b, i, j, co]
 *
 * is a conv whose input is the padded x with batch and channels swapped (`[ci, H, W, b]`), whose
 * filter is dy laid out `[i, j, b, co]`, dilated by the forward stride. XNNPACK runs it as one
 * indirect GEMM, with no im2col copy: measured faster than im2col + matMul, whose per-tap slices
 * wasm copies row by row in JS (benchmarks/training-kernels.ts). A 1×1 stride-1 unpadded conv
 * (DARTS' pointwise convs) is `xᵀ · dy` instead: one matMul, which the transposed-matMul patch turns
 * into a transpose and an unflagged product, ~3× faster than the conv with a [H, W] filter.
 */
export const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrsOf<tf.Conv2DBackpropFilterAttrs>(attrs);
  const kernelBackend = backend as tf.KernelBackend;
  const simd = dataFormat === 'NCHW' ? undefined : simdKernelsFor(kernelBackend);
  const xInfo = inputs['x'];
  const dyInfo = inputs['dy'];
  if (simd !== undefined && xInfo !== undefined && dyInfo !== undefined && xInfo.dtype === 'float32') {
    // Our C kernel: the sums straight from x and dy, no transposes, padding or crop (simd/kernels.c).
    const info = tf.backend_util.computeConv2DInfo(
      xInfo.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const out = (backend as BackendWasm).makeOutput(filterShape, 'float32');
    const geometry = convGeometry(info, info.outChannels);
    simd.fn.conv2d_backprop_filter(simd.pointer(xInfo), simd.pointer(dyInfo), simd.pointer(out), ...geometry);
    return out;
  }
  return tf.tidy(() => {
    let x = asTensor(inputs['x'], kernelBackend, 'x') as tf.Tensor4D;
    let dy = asTensor(inputs['dy'], kernelBackend, 'dy') as tf.Tensor4D;
    if (dataFormat === 'NCHW') {
      x = tf.transpose(x, [0, 2, 3, 1]);
      dy = tf.transpose(dy, [0, 2, 3, 1]);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const [kh, kw, inC, outC] = filterShape;
    if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && samePlaces(info)) {
      // A pointwise conv's filter gradient is one product, xᵀ · dy over all pixels.
      const pixels = info.batchSize * info.outHeight * info.outWidth;
      const product = tf.matMul(tf.reshape(x, [pixels, inC]), tf.reshape(dy, [pixels, outC]), true, false);
      return tf.reshape(product, filterShape);
    }
    const swapped = tf.transpose(padSpatial(x, info), [3, 1, 2, 0]);
    const dyFilter = tf.transpose(dy, [1, 2, 0, 3]);
    const full = tf.conv2d(swapped, dyFilter, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    // 'valid' leftovers (rows no output pixel read) make the result larger than the filter: crop.
    const grad = tf.slice(full, [0, 0, 0, 0], [inC, kh, kw, outC]);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
};

/** Whether every output pixel sits on the input pixel of the same index (no padding, no crop). */
function samePlaces(info: tf.backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    top === 0 &&
    bottom === 0 &&
    left === 0 &&
    right === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth
  );
}

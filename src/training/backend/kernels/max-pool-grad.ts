import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { attrsOf } from '../internals';
import { simdKernelsFor } from '../simd/simd-kernels';

/**
 * `MaxPoolGrad` for wasm, whose own kernel (tfjs 4.22) sends the gradient of a window whose values
 * are all negative to the wrong place (so does its MaxPoolWithArgmax): harmless right after a ReLU,
 * wrong after batch norm or a linear conv, where a 2x2 pool's gradients were 20-100% off. This is
 * the cpu backend's rule (the first maximum of each window, scanning rows then columns, takes the
 * whole dy), run on wasm's memory by our C kernel (four channels per SIMD step), or in JS where
 * that cannot load; channels innermost so reads are contiguous.
 */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrsOf<tf.MaxPoolGradAttrs>(attrs);
  const input = inputs['input'];
  const dy = inputs['dy'];
  if (input === undefined || dy === undefined) throw new Error('MaxPoolGrad needs input and dy');
  const wasm = backend as BackendWasm;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const out = wasm.makeOutput(input.shape, 'float32');
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const simd = simdKernelsFor(backend);
  if (simd !== undefined) {
    simd.fn.max_pool_grad(
      simd.pointer(input),
      simd.pointer(dy),
      simd.pointer(out),
      batchSize,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
      info.effectiveFilterHeight,
      info.effectiveFilterWidth,
    );
    return out;
  }
  // Views only after makeOutput: an allocation can grow the heap and detach older views.
  const x = wasm.typedArrayFromHeap(input);
  const dyValues = wasm.typedArrayFromHeap(dy);
  const dx = wasm.typedArrayFromHeap(out);
  dx.fill(0);
  const rowStride = inWidth * channels;
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let outR = 0; outR < outHeight; outR++) {
      const top = outR * info.strideHeight - info.padInfo.top;
      const rStart = Math.max(top, 0);
      const rEnd = Math.min(top + info.effectiveFilterHeight, inHeight);
      for (let outC = 0; outC < outWidth; outC++) {
        const left = outC * info.strideWidth - info.padInfo.left;
        const cStart = Math.max(left, 0);
        const cEnd = Math.min(left + info.effectiveFilterWidth, inWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let r = rStart; r < rEnd; r++) {
          for (let c = cStart; c < cEnd; c++) {
            const base = xBatch + r * rowStride + c * channels;
            for (let d = 0; d < channels; d++) {
              const value = x[base + d] as number;
              if (value > (best[d] as number)) {
                best[d] = value;
                at[d] = base + d;
              }
            }
          }
        }
        const dyOffset = ((b * outHeight + outR) * outWidth + outC) * channels;
        for (let d = 0; d < channels; d++) {
          const index = at[d] as number;
          if (index >= 0) dx[index] = (dx[index] as number) + (dyValues[dyOffset + d] as number);
        }
      }
    }
  }
  return out;
};

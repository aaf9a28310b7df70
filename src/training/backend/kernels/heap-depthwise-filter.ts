import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { depthwiseConv2dNativeBackpropFilter } from './depthwise-backprop';
import { pair } from './tensor-info';
import { attrsOf } from '../internals';
import { convGeometry, simdKernelsFor } from '../simd/simd-kernels';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for wasm, run in JS on wasm's memory:
 *
 *   dF[u, v, c, m] = sum over b, i, j of x[b, i*sh + u*dh - top, j*sw + v*dw - left, c] * dy[b, i, j, c*M + m]
 *
 * one pass over dy per filter tap, with the channels innermost (both operands contiguous) and the
 * sums in float64. Dilation is taken as it is (9 taps for a dilated 3×3, not the 25 of its dense
 * form), and padding by skipping the rows and columns outside x. Used for dilated convs only: there
 * it is ~1.7× faster than {@link depthwiseConv2dNativeBackpropFilter} on the dense filter (DARTS'
 * dil_conv, 32×32×16, batch 32); undilated, that one XNNPACK conv and this JS loop tie, so it stays.
 * Where our C kernels load, their SIMD version of the same loops takes every dilation.
 */
export const heapDepthwiseFilterGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'];
  const dy = inputs['dy'];
  if (x === undefined || dy === undefined) throw new Error('DepthwiseConv2dNativeBackpropFilter needs x and dy');
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrsOf<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(attrs);
  const [dh, dw] = pair(dilations);
  const simd = x.dtype === 'float32' ? simdKernelsFor(backend) : undefined;
  if (simd === undefined && dh === 1 && dw === 1) {
    return depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs: attrs ?? {} });
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    [dh, dw],
    pad,
    dimRoundingMode,
    true,
  );
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(filterShape, 'float32');
  if (simd !== undefined) {
    const geometry = convGeometry(info, filterShape[3]);
    simd.fn.depthwise_backprop_filter(simd.pointer(x), simd.pointer(dy), simd.pointer(out), ...geometry);
    return out;
  }
  // Views only after makeOutput: an allocation can grow the heap and detach older views.
  const xs = wasm.typedArrayFromHeap(x) as Float32Array;
  const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
  const acc = new Float64Array(filterShape[0] * filterShape[1] * filterShape[2] * filterShape[3]);
  filterGrad(xs, dys, acc, info, filterShape[3]);
  (wasm.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
};

/** The loops of {@link heapDepthwiseFilterGrad} (top-level, plain arguments: V8 keeps them in registers). */
function filterGrad(
  x: Float32Array,
  dy: Float32Array,
  acc: Float64Array,
  info: tf.backend_util.Conv2DInfo,
  mult: number,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const c = inChannels;
  const oc = c * mult;
  const rowSums = new Float64Array(outWidth * oc);
  for (let u = 0; u < filterHeight; u++) {
    for (let v = 0; v < filterWidth; v++) {
      const tap = (u * filterWidth + v) * oc;
      // Output columns whose input column j*sw + v*dw - left lies inside x.
      const colOffset = v * dw - left;
      const j0 = Math.max(0, Math.ceil(-colOffset / sw));
      const j1 = Math.min(outWidth, Math.floor((inWidth - 1 - colOffset) / sw) + 1);
      if (j1 <= j0) continue;
      if (sw === 1 && mult === 1) {
        // The x and dy rows of one tap line up element for element: sum them row on row into
        // `rowSums` (one plain multiply-add loop), then fold its columns into the tap's channels.
        const span = (j1 - j0) * c;
        rowSums.fill(0, 0, span);
        for (let b = 0; b < batchSize; b++) {
          for (let i = 0; i < outHeight; i++) {
            const row = i * sh + u * dh - top;
            if (row < 0 || row >= inHeight) continue;
            const xi = ((b * inHeight + row) * inWidth + j0 + colOffset) * c;
            const di = ((b * outHeight + i) * outWidth + j0) * oc;
            for (let q = 0; q < span; q++)
              rowSums[q] = (rowSums[q] as number) + (x[xi + q] as number) * (dy[di + q] as number);
          }
        }
        for (let q = 0, k = 0; q < span; q++) {
          acc[tap + k] = (acc[tap + k] as number) + (rowSums[q] as number);
          if (++k === c) k = 0;
        }
        continue;
      }
      for (let b = 0; b < batchSize; b++) {
        for (let i = 0; i < outHeight; i++) {
          const row = i * sh + u * dh - top;
          if (row < 0 || row >= inHeight) continue;
          const xRow = (b * inHeight + row) * inWidth;
          const dyRow = (b * outHeight + i) * outWidth;
          if (mult === 1) {
            for (let j = j0; j < j1; j++) {
              const xi = (xRow + j * sw + colOffset) * c;
              const di = (dyRow + j) * oc;
              for (let k = 0; k < c; k++)
                acc[tap + k] = (acc[tap + k] as number) + (x[xi + k] as number) * (dy[di + k] as number);
            }
          } else {
            for (let j = j0; j < j1; j++) {
              const xi = (xRow + j * sw + colOffset) * c;
              const di = (dyRow + j) * oc;
              for (let k = 0; k < c; k++) {
                const xv = x[xi + k] as number;
                const base = k * mult;
                for (let m = 0; m < mult; m++)
                  acc[tap + base + m] = (acc[tap + base + m] as number) + xv * (dy[di + base + m] as number);
              }
            }
          }
        }
      }
    }
  }
}

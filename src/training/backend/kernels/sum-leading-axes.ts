import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { attrsOf } from '../internals';
import { simdKernelsFor } from '../simd/simd-kernels';

/**
 * Wraps wasm's `Sum` so that a float32 sum over every axis but the last (each conv and dense
 * layer's bias gradient) is one pass of our C kernel over the rows; wasm's own kernel transposes
 * the reduced axes innermost first, a full copy: 1.5 ms of the zoo CNN's ~19 ms step. Other sums,
 * and any sum where the C kernels are not loaded, go to wasm's kernel unchanged.
 */
export function sumLeadingAxes(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'];
    const { axis, keepDims } = attrsOf<tf.SumAttrs>(args.attrs);
    const simd = x !== undefined && x.dtype === 'float32' ? simdKernelsFor(args.backend) : undefined;
    if (x === undefined || simd === undefined || !leadingAxes(axis, x.shape.length)) {
      return original.kernelFunc(args);
    }
    const cols = x.shape[x.shape.length - 1] as number;
    const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (cols > simd.maxChannels || rows === 0) return original.kernelFunc(args);
    const shape = keepDims ? x.shape.map((d, i) => (i === x.shape.length - 1 ? d : 1)) : [cols];
    const out = (args.backend as BackendWasm).makeOutput(shape, 'float32');
    simd.fn.sum_leading_axes(simd.pointer(x), simd.pointer(out), rows, cols);
    return out;
  };
}

/** Whether `axis` names exactly the axes 0 … rank-2 (in any order, negatives allowed), rank ≥ 2. */
function leadingAxes(axis: number | number[], rank: number): boolean {
  if (rank < 2) return false;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const unique = new Set(axes);
  if (unique.size !== rank - 1 || axes.length !== rank - 1) return false;
  for (let a = 0; a < rank - 1; a++) if (!unique.has(a)) return false;
  return true;
}

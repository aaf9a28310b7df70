import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { attrsOf } from '../internals';
import { simdKernelsFor } from '../simd/simd-kernels';

/**
 * Wraps wasm's `Sum` or `Mean` so that a float32 reduction over a run of axes ending just before
 * the last one is one pass of our C kernel over rows of channels: a sum over every axis but the
 * last (each conv and dense layer's bias gradient) and a mean over the pixels of NHWC (global
 * average pooling). wasm's own kernels transpose the reduced axes innermost first, a full copy:
 * the bias sums were 1.5 ms of the zoo CNN's ~19 ms step, the pooling mean 0.9 ms of a DARTS
 * edge's ~23. Other reductions, and any where the C kernels are not loaded, go to wasm's kernel.
 */
export function rowSums(original: tf.KernelConfig, mean: boolean): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'];
    const { axis, keepDims } = attrsOf<tf.SumAttrs>(args.attrs);
    const simd = x !== undefined && x.dtype === 'float32' ? simdKernelsFor(args.backend) : undefined;
    const run = x === undefined ? undefined : reducedRun(axis, x.shape.length);
    if (x === undefined || simd === undefined || run === undefined) return original.kernelFunc(args);
    const size = (axes: readonly number[]): number => axes.reduce((a, b) => a * b, 1);
    const cols = x.shape[x.shape.length - 1] as number;
    const outer = size(x.shape.slice(0, run));
    const rows = size(x.shape.slice(run, -1));
    if (cols > simd.maxChannels || rows === 0 || outer === 0) return original.kernelFunc(args);
    const kept = x.shape.map((d, i) => (i < run || i === x.shape.length - 1 ? d : 1));
    const shape = keepDims ? kept : [...x.shape.slice(0, run), cols];
    const out = (args.backend as BackendWasm).makeOutput(shape, 'float32');
    simd.fn.sum_rows(simd.pointer(x), simd.pointer(out), outer, rows, cols, mean ? 1 / rows : 1);
    return out;
  };
}

/**
 * Where the reduced axes start when they are exactly `start … rank-2` (any order, negatives
 * allowed, at least one axis; rank ≥ 2); undefined for any other set.
 */
function reducedRun(axis: number | number[], rank: number): number | undefined {
  if (rank < 2) return undefined;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const unique = new Set(axes);
  if (unique.size !== axes.length || axes.length === 0) return undefined;
  const start = rank - 1 - axes.length;
  if (start < 0) return undefined;
  for (let a = start; a < rank - 1; a++) if (!unique.has(a)) return undefined;
  return start;
}

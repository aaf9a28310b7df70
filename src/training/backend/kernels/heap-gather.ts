import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { attrsOf } from '../internals';

/**
 * wasm `GatherV2` (an embedding's lookup) in JS on wasm's memory: one `TypedArray.set` per gathered
 * slice instead of wasm's per-element index arithmetic. wasm's own kernel took ~2.5 ms to look up
 * a [32, 50] batch of tokens in a [1000, 32] table — a tenth of the zoo LSTM's training step; here
 * it is 1,600 row copies. `batchDims > 0` and strings keep the original kernel.
 */
export function gatherKernel(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    const indices = inputs['indices'];
    const { axis, batchDims } = attrsOf<tf.GatherV2Attrs>(attrs);
    if (x === undefined || indices === undefined || x.dtype === 'string' || (batchDims ?? 0) !== 0) {
      return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    }
    const wasm = backend as BackendWasm;
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
    const dim = x.shape[$axis] ?? 1;
    const outer = x.shape.slice(0, $axis).reduce((p, d) => p * d, 1);
    const inner = x.shape.slice($axis + 1).reduce((p, d) => p * d, 1);
    const idx = wasm.typedArrayFromHeap(indices);
    const n = idx.length;
    for (let j = 0; j < n; j++) {
      const index = idx[j] as number;
      if (!(index >= 0 && index <= dim - 1)) {
        throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
      }
    }
    const outShape = [...x.shape.slice(0, $axis), ...indices.shape, ...x.shape.slice($axis + 1)];
    const out = wasm.makeOutput(outShape, x.dtype);
    if (outer * n * inner === 0) return out;
    // Views only after makeOutput: an allocation can grow the heap and detach older views.
    const src = wasm.typedArrayFromHeap(x);
    const dst = wasm.typedArrayFromHeap(out);
    const at = wasm.typedArrayFromHeap(indices);
    let written = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * dim * inner;
      for (let j = 0; j < n; j++) {
        const from = base + (at[j] as number) * inner;
        if (inner >= 16) {
          dst.set(src.subarray(from, from + inner), written);
        } else {
          for (let k = 0; k < inner; k++) dst[written + k] = src[from + k] as number;
        }
        written += inner;
      }
    }
    return out;
  };
}

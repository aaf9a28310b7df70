import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { attrsOf } from '../internals';

/**
 * `x[begin : begin + size]` into a new wasm tensor, reading x in place. wasm's own Slice (which
 * its Unpack and SplitV call per output) starts with `readSync(x)`, a copy of the whole input, so
 * unstacking T timesteps copies the sequence T times: O(T^2), the cost that made Unpack dominate
 * long LSTM steps. Here only the selected elements move.
 */
export function heapSlice(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: readonly number[],
  size: readonly number[],
): tf.TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  // Views only after makeOutput: an allocation can grow the heap and detach older views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const shape = x.shape;
  const rank = shape.length;
  const strides = tf.util.computeStrides(shape);
  // Trailing axes taken whole, plus the axis before them, form one contiguous run per position
  // of the remaining outer axes.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const run = rank === 0 ? 1 : size.slice(inner).reduce((p, d) => p * d, 1);
  const outer = size.slice(0, Math.max(inner, 0));
  const count = outer.reduce((p, d) => p * d, 1);
  const index = new Array<number>(outer.length).fill(0);
  let written = 0;
  for (let n = 0; n < count; n++) {
    let offset = rank === 0 ? 0 : (begin[inner] ?? 0) * (strides[inner] ?? 1);
    for (let a = 0; a < outer.length; a++) offset += ((begin[a] ?? 0) + (index[a] ?? 0)) * (strides[a] ?? 1);
    if (run >= 32) {
      dst.set(src.subarray(offset, offset + run), written);
    } else {
      for (let i = 0; i < run; i++) dst[written + i] = src[offset + i] as number;
    }
    written += run;
    for (let a = outer.length - 1; a >= 0; a--) {
      index[a] = (index[a] ?? 0) + 1;
      if ((index[a] ?? 0) < (outer[a] ?? 0)) break;
      index[a] = 0;
    }
  }
  return out;
}

/** wasm `Slice` through {@link heapSlice}; strings keep the original path. */
export function sliceKernel(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (x === undefined || x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    const { begin, size } = attrsOf<tf.SliceAttrs>(attrs);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size);
    return heapSlice(backend as BackendWasm, x, begin_ ?? [], size_ ?? []);
  };
}

/** wasm `Unpack` through {@link heapSlice}: one slice per index along the axis. */
export function unpackKernel(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const value = inputs['value'];
    if (value === undefined || value.dtype === 'string') {
      return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    }
    const rank = value.shape.length;
    const axis = (attrsOf<tf.UnpackAttrs>(attrs).axis + rank) % rank;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = [...value.shape];
    size[axis] = 1;
    const outputs: tf.TensorInfo[] = [];
    for (let i = 0; i < (value.shape[axis] ?? 0); i++) {
      begin[axis] = i;
      const { dataId, dtype } = heapSlice(backend as BackendWasm, value, begin, size);
      outputs.push({ dataId, dtype, shape: outShape });
    }
    return outputs;
  };
}

/** wasm `SplitV` (tf.split: the LSTM's four gates every step) through {@link heapSlice}. */
export function splitKernel(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (x === undefined || x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    const { numOrSizeSplits, axis } = attrsOf<tf.SplitVAttrs>(attrs);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[$axis] = s;
      const piece = heapSlice(backend as BackendWasm, x, begin, size);
      begin[$axis] = (begin[$axis] ?? 0) + s;
      return piece;
    });
  };
}

import * as tf from '@tensorflow/tfjs';

/**
 * A kernel receives `TensorInfo`s. The ops that reach our replacement kernels pass real `Tensor`s,
 * which we use as they are; anything else (a backend calling a kernel function directly) is wrapped
 * in a Tensor that holds its own reference on the data, so disposing the wrapper (e.g. at the end of
 * the kernel's `tidy`) releases that reference and never the caller's data.
 */
export function asTensor(info: tf.TensorInfo | undefined, backend: tf.KernelBackend, name: string): tf.Tensor {
  if (info === undefined) throw new Error(`kernel input '${name}' is missing`);
  if (info instanceof tf.Tensor) return info as tf.Tensor;
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

/**
 * A 2-tuple from a number or a pair, as conv attributes come in either form (or as null: the
 * depthwise layer passes `dilations: null`).
 */
export function pair(value: number | readonly number[] | null | undefined, fallback = 1): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const first = value[0] ?? fallback;
  return [first, value[1] ?? first];
}

/** The last two axes swapped, for a tensor of any rank >= 2. */
export function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  perm[n - 2] = n - 1;
  perm[n - 1] = n - 2;
  return tf.transpose(x, perm);
}

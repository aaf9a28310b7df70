import type * as tf from '@tensorflow/tfjs';

/**
 * Wraps wasm's `Identity`, which copies the tensor's bytes, with the cpu and webgl backends'
 * version: one more reference on the same data (tensors are immutable, and wasm's own Reshape
 * already shares data this way). tfjs calls Identity for every `clone`, and `customGrad` (fused
 * matMul, so every dense layer) clones what it saves; an LSTM step makes ~50 such copies per
 * timestep. Strings keep the original path.
 */
export function sharedIdentity(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (x === undefined || x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    (backend as tf.KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { cpuBackendFields } from '../internals';

/*
 * What every fused op needs to run its loops on a backend's own memory: which backends those are,
 * and how to read a tensor and make an output there.
 */

/** Backends the fused kernels are registered for: their JS (or C) reads these backends' memory directly. */
export const IN_MEMORY: readonly string[] = ['wasm', 'cpu'];

export function isWasm(backend: tf.KernelBackend): backend is tf.KernelBackend & BackendWasm {
  return 'typedArrayFromHeap' in backend;
}

/** A backend's float32 data as a JS array: wasm's heap (a view) or cpu's own array (no copy). */
export function dataOf(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array {
  return isWasm(backend)
    ? (backend.typedArrayFromHeap(info) as Float32Array)
    : (backend.readSync(info.dataId) as Float32Array);
}

/** A new float32 tensor of the backend holding `values`. */
export function outputOf(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  if (!isWasm(backend)) return cpuBackendFields(backend).makeTensorInfo(shape, 'float32', values);
  const out = backend.makeOutput(shape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(values);
  return out;
}

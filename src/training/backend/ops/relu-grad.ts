import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { asTensor } from '../kernels/tensor-info';
import { simdKernelsFor } from '../simd/simd-kernels';
import { IN_MEMORY } from './in-memory';

/** ReLU's gradient as one kernel (wasm: our C pass; cpu: a JS loop): `dy · step(x)`. */
export const RELU_GRAD = 'TfjsTuneReluGrad';

const reluGradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs['x'];
  const dy = inputs['dy'];
  if (x === undefined || dy === undefined) throw new Error(`${RELU_GRAD} needs x and dy`);
  const simd = x.dtype === 'float32' && dy.dtype === 'float32' ? simdKernelsFor(backend) : undefined;
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (simd !== undefined) {
    const out = (backend as BackendWasm).makeOutput(x.shape, 'float32');
    simd.fn.relu_grad(simd.pointer(x), simd.pointer(dy), simd.pointer(out), size);
    return out;
  }
  // The stock formula on this backend (cpu, or wasm without our C kernels).
  const kernelBackend = backend as tf.KernelBackend;
  return tf.tidy(() => {
    const xs = asTensor(x, kernelBackend, 'x');
    const dys = asTensor(dy, kernelBackend, 'dy');
    return tf.mul(dys, tf.cast(tf.step(xs), 'float32'));
  });
};

export const reluGradKernels: readonly tf.KernelConfig[] = IN_MEMORY.map((backendName) => ({
  kernelName: RELU_GRAD,
  backendName,
  kernelFunc: reluGradKernel,
}));

/**
 * ReLU's gradient (replacing tfjs's, same saved input and result): one kernel on wasm and cpu,
 * tfjs's own `mul(dy, cast(step(x)))` on any other backend. Three full-size kernels a ReLU were
 * ~3% of a batch-norm CNN's wasm step.
 */
export const reluGradient: tf.GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as tf.Tensor[];
    const dyT = dy as tf.Tensor;
    if (!IN_MEMORY.includes(tf.getBackend())) {
      return { x: () => tf.mul(dyT, tf.cast(tf.step(x as tf.Tensor), 'float32')) };
    }
    return { x: () => tf.engine().runKernel(RELU_GRAD, { x: x as tf.Tensor, dy: dyT }, {}) as tf.Tensor };
  },
};

import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { asRegularizer, attrsOf, l1l2Fields, registeredKernel, stockClass } from '../internals';
import { IN_MEMORY, dataOf, outputOf } from './in-memory';
import { simdKernelsFor } from '../simd/simd-kernels';

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

/** What the stock L1L2 class offers (concrete; its base `Regularizer` is abstract in the typings). */
interface L1L2Like {
  apply(x: tf.Tensor): tf.Scalar;
  getConfig(): tf.serialization.ConfigDict;
}

const L1L2Base = stockClass<new (args: { l1?: number; l2?: number }) => L1L2Like>('L1L2');

/** The kernels {@link FusedL1L2} runs: the penalty (a scalar) and its gradient (wasm and cpu). */
export const FUSED_L1L2 = 'TfjsTuneL1L2';
export const FUSED_L1L2_GRAD = 'TfjsTuneL1L2Grad';

interface L1L2Attrs {
  readonly l1: number;
  readonly l2: number;
}

const penaltyKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const { l1, l2 } = attrsOf<L1L2Attrs>(attrs);
  const kernelBackend = backend as tf.KernelBackend;
  const simd = simdKernelsFor(kernelBackend);
  const size = x.shape.reduce((a, b) => a * b, 1);
  const value =
    simd !== undefined
      ? simd.fn.l1l2_penalty(simd.pointer(x), size, l1, l2)
      : penaltyOf(dataOf(kernelBackend, x), l1, l2);
  return outputOf(kernelBackend, [], Float32Array.of(value));
};

const penaltyGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const dy = inputs['dy'] as tf.TensorInfo;
  const { l1, l2 } = attrsOf<L1L2Attrs>(attrs);
  const kernelBackend = backend as tf.KernelBackend;
  const g = dataOf(kernelBackend, dy)[0] ?? 0;
  const simd = simdKernelsFor(kernelBackend);
  const size = x.shape.reduce((a, b) => a * b, 1);
  if (simd !== undefined) {
    const out = (backend as BackendWasm).makeOutput(x.shape, 'float32');
    simd.fn.l1l2_grad(simd.pointer(x), simd.pointer(out), size, g * l1, 2 * g * l2);
    return out;
  }
  const out = new Float32Array(size);
  penaltyGrad(dataOf(kernelBackend, x), g, l1, l2, out);
  return outputOf(kernelBackend, x.shape, out);
};

/** The penalty and gradient kernels for each backend they run on (registered by `registerTrainingOps`). */
export const l1l2Kernels: readonly tf.KernelConfig[] = IN_MEMORY.flatMap((backendName) => [
  { kernelName: FUSED_L1L2, backendName, kernelFunc: penaltyKernel },
  { kernelName: FUSED_L1L2_GRAD, backendName, kernelFunc: penaltyGradKernel },
]);

export const l1l2Gradient: tf.GradConfig = {
  kernelName: FUSED_L1L2,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as tf.Tensor[];
    return {
      x: () =>
        tf.engine().runKernel(FUSED_L1L2_GRAD, { x: x as tf.Tensor, dy: dy as tf.Tensor }, { ...attrs }) as tf.Tensor,
    };
  },
};

/**
 * tfjs-layers' L1L2 regulariser (`sum(l1 |w| + l2 w²)`) as one registered kernel with a registered
 * gradient kernel on the wasm and cpu backends (C on wasm, JS on cpu; the value summed in float64),
 * where the stock `apply` runs five taped kernels and its gradient about a dozen more per
 * regularised weight and training step. (As a `tf.customGrad` it cost ~77 µs per weight matrix a
 * step, mostly customGrad's own machinery: 30% of the zoo MLP's step.) Elsewhere, for a non-float32
 * weight, or before `registerTrainingOps` has run, the stock `apply` runs. Keeps the stock class
 * name and config, so a saved model loads with the stock regulariser.
 */
export class FusedL1L2 extends L1L2Base {
  override apply(x: tf.Tensor): tf.Scalar {
    const name = tf.getBackend();
    if (!IN_MEMORY.includes(name) || x.dtype !== 'float32' || registeredKernel(FUSED_L1L2, name) === undefined) {
      return super.apply(x);
    }
    const { l1, l2 } = l1l2Fields(this);
    return tf.engine().runKernel(FUSED_L1L2, { x }, { l1, l2 }) as tf.Scalar;
  }
}

function penaltyOf(w: Float32Array, l1: number, l2: number): number {
  let abs = 0;
  let squares = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number;
    abs += v < 0 ? -v : v;
    squares += v * v;
  }
  return l1 * abs + l2 * squares;
}

/** tfjs's gradients: |w|' = (w > 0 ? 1 : -1) (its `step(w, -1)`), (w²)' = 2w. */
function penaltyGrad(w: Float32Array, dy: number, l1: number, l2: number, out: Float32Array): void {
  const a = dy * l1;
  const b = 2 * dy * l2;
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number;
    out[i] = (v > 0 ? a : -a) + b * v;
  }
}

/** `tf.regularizers.l2({ l2 })` as a {@link FusedL1L2}. */
export function fusedL2(l2 = 0.01): Regularizer {
  return asRegularizer(new FusedL1L2({ l1: 0, l2 }));
}

/** `tf.regularizers.l1l2({ l1, l2 })` as a {@link FusedL1L2}. */
export function fusedL1L2(args: { l1?: number; l2?: number } = {}): Regularizer {
  return asRegularizer(new FusedL1L2(args));
}

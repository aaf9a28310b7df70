import * as tf from '@tensorflow/tfjs';
import { attrsOf } from '../internals';
import { IN_MEMORY, dataOf } from './in-memory';

// Math's functions bound once: inside jest's vm context every `Math.x` is a global lookup through
// the sandbox's interceptors, which made the hot loops below ~6x slower under test.
const tanh = Math.tanh;
const exp = Math.exp;

/** Activations {@link denseForward} applies itself; others run after a linear {@link denseForward}. */
export type DenseActivation = 'linear' | 'relu' | 'tanh' | 'elu' | 'softmax';
export const FUSED_ACTIVATIONS: ReadonlySet<string> = new Set<DenseActivation>([
  'linear',
  'relu',
  'tanh',
  'elu',
  'softmax',
]);

/** The kernel {@link denseForward} runs (for the wasm and cpu backends, with its gradient; registered by `registerTrainingOps`). */
export const FUSED_DENSE = 'TfjsTuneDense';

interface DenseAttrs {
  readonly activation: DenseActivation;
}

/**
 * The forward kernel: the backend's own `_FusedMatMul` (bias, and relu when asked; it takes rank-3
 * operands, so the reshapes are views), then tanh or elu in JS on the fresh output, in place.
 */
const denseKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const kernel = inputs['kernel'] as tf.TensorInfo;
  const bias = inputs['bias'];
  const { activation } = attrsOf<DenseAttrs>(attrs);
  const [m, k] = x.shape as [number, number];
  const n = kernel.shape[1] as number;
  const kernelBackend = backend as tf.KernelBackend;
  const name = 'typedArrayFromHeap' in kernelBackend ? 'wasm' : 'cpu';
  const matMulInputs: Record<string, tf.TensorInfo> = {
    a: { dataId: x.dataId, shape: [1, m, k], dtype: x.dtype },
    b: { dataId: kernel.dataId, shape: [1, k, n], dtype: kernel.dtype },
  };
  if (bias !== undefined) matMulInputs['bias'] = bias;
  const out = tf.getKernel('_FusedMatMul', name).kernelFunc({
    inputs: matMulInputs,
    backend,
    attrs: {
      transposeA: false,
      transposeB: false,
      activation: activation === 'relu' ? 'relu' : 'linear',
      leakyreluAlpha: 0,
    },
  }) as tf.TensorInfo;
  const y: tf.TensorInfo = { dataId: out.dataId, shape: [m, n], dtype: out.dtype };
  if (activation === 'tanh' || activation === 'elu') activateInPlace(dataOf(kernelBackend, y), activation);
  if (activation === 'softmax') softmaxInPlace(dataOf(kernelBackend, y), m, n);
  return y;
};

/** Row-wise softmax, `exp(x - max) / Σ exp(x - max)`, in float64 rounded once. */
function softmaxInPlace(values: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) {
      const v = values[row + c] as number;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += exp((values[row + c] as number) - max);
    for (let c = 0; c < cols; c++) values[row + c] = exp((values[row + c] as number) - max) / sum;
  }
}

function activateInPlace(values: Float32Array, activation: 'tanh' | 'elu'): void {
  const n = values.length;
  if (activation === 'tanh') {
    for (let i = 0; i < n; i++) values[i] = tanh(values[i] as number);
  } else {
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (v < 0) values[i] = exp(v) - 1;
    }
  }
}

/**
 * The gradient: dz = dy · act'(y) and the bias gradient in JS (one pass), then `dx = dz · kernelᵀ`
 * and `dKernel = xᵀ · dz`, each computed only when the engine asks for it (a first layer's input
 * needs no gradient; a custom gradient would compute it anyway).
 */
export const denseGradient: tf.GradConfig = {
  kernelName: FUSED_DENSE,
  inputsToSave: ['x', 'kernel'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, kernel, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const { activation } = attrsOf<DenseAttrs>(attrs);
    const backend = tf.backend();
    const [rows, cols] = y.shape;
    const dz = new Float32Array(rows * cols);
    const dBias = new Float64Array(cols);
    dzAndBias(dataOf(backend, dy as tf.Tensor), dataOf(backend, y), dz, dBias, rows, cols, activation);
    const dzt = tf.tensor2d(dz, [rows, cols]);
    return {
      x: () => tf.matMul(dzt, kernel, false, true),
      kernel: () => tf.matMul(x, dzt, true, false),
      bias: () => tf.tensor1d(Float32Array.from(dBias)),
    };
  },
};

/** The forward kernel for each backend it runs on (registered by `registerTrainingOps`). */
export const denseKernels: readonly tf.KernelConfig[] = IN_MEMORY.map((backendName) => ({
  kernelName: FUSED_DENSE,
  backendName,
  kernelFunc: denseKernel,
}));

/**
 * `activation(x · kernel + bias)` for a 2-D float32 `x` as one kernel on the wasm and cpu backends
 * (tfjs's fused matMul elsewhere). tfjs fuses a dense layer's matMul, bias and activation only
 * outside gradient recording, so a training step runs them as three taped ops (each saving its
 * inputs by a kernel call) and their gradients as ~12 more kernel calls. Here the forward is one
 * kernel and the gradient a JS pass plus the two `matMul`s the engine needs.
 *
 * Derivatives as tfjs takes them: relu `y > 0`, tanh `1 - y²`, elu `y >= 0 ? 1 : y + 1`, softmax
 * `y (dy - Σ dy y)` per row.
 */
export function denseForward(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  activation: DenseActivation,
): tf.Tensor2D {
  if (!IN_MEMORY.includes(tf.getBackend())) {
    const y = tf.fused.matMul({
      a: x,
      b: kernel,
      ...(bias === null ? {} : { bias }),
      ...(activation === 'relu' || activation === 'elu' ? { activation } : {}),
    });
    if (activation === 'tanh') return tf.tanh(y) as tf.Tensor2D;
    return (activation === 'softmax' ? tf.softmax(y) : y) as tf.Tensor2D;
  }
  const inputs: tf.NamedTensorMap = bias === null ? { x, kernel } : { x, kernel, bias };
  const attrs: tf.NamedAttrMap = { activation };
  return tf.engine().runKernel(FUSED_DENSE, inputs, attrs) as tf.Tensor2D;
}

/** dz = dy · act'(y) and the column sums of dz (top-level, plain arguments: V8 keeps them in registers). */
function dzAndBias(
  dy: Float32Array,
  y: Float32Array,
  dz: Float32Array,
  dBias: Float64Array,
  rows: number,
  cols: number,
  activation: DenseActivation,
): void {
  if (activation === 'softmax') {
    softmaxGrad(dy, y, dz, dBias, rows, cols);
    return;
  }
  const kind = activation === 'linear' ? 0 : activation === 'relu' ? 1 : activation === 'tanh' ? 2 : 3;
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const g = dy[row + c] as number;
      const v = y[row + c] as number;
      const d = kind === 0 ? g : kind === 1 ? (v > 0 ? g : 0) : kind === 2 ? g * (1 - v * v) : v >= 0 ? g : g * (v + 1);
      dz[row + c] = d;
      dBias[c] = (dBias[c] as number) + d;
    }
  }
}

function softmaxGrad(
  dy: Float32Array,
  y: Float32Array,
  dz: Float32Array,
  dBias: Float64Array,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += (dy[row + c] as number) * (y[row + c] as number);
    for (let c = 0; c < cols; c++) {
      const d = (y[row + c] as number) * ((dy[row + c] as number) - dot);
      dz[row + c] = d;
      dBias[c] = (dBias[c] as number) + d;
    }
  }
}

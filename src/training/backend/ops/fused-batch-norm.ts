import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { attrsOf, cpuBackendFields } from '../internals';

// Bound once: inside jest's vm context every `Math.x` is a global lookup (see fused-dense-layer.ts).
const sqrt = Math.sqrt;

/** The kernel {@link batchNormTraining} runs (wasm and cpu, with its gradient; registered by `registerTrainingOps`). */
export const FUSED_BATCH_NORM = 'TfjsTuneBatchNormTrain';

/** Backends the kernel runs on (its JS reads their memory directly). */
export const IN_MEMORY: readonly string[] = ['wasm', 'cpu'];

interface BatchNormAttrs {
  readonly epsilon: number;
}

function isWasm(backend: tf.KernelBackend): backend is tf.KernelBackend & BackendWasm {
  return 'typedArrayFromHeap' in backend;
}

/** A backend's float32 data as a JS array: wasm's heap (a view) or cpu's own array (no copy). */
function dataOf(backend: tf.KernelBackend, info: tf.TensorInfo): Float32Array {
  return isWasm(backend)
    ? (backend.typedArrayFromHeap(info) as Float32Array)
    : (backend.readSync(info.dataId) as Float32Array);
}

/** A new float32 tensor of the backend holding `values`. */
function output(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  if (!isWasm(backend)) return cpuBackendFields(backend).makeTensorInfo(shape, 'float32', values);
  const out = backend.makeOutput(shape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(values);
  return out;
}

/**
 * Forward: per-channel (last axis) mean and biased variance of x in float64 (two passes), then
 * `y = (x - mean) / sqrt(variance + epsilon) * gamma + beta`. Outputs y, mean, variance.
 */
const batchNormKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const kernelBackend = backend as tf.KernelBackend;
  const x = inputs['x'] as tf.TensorInfo;
  const { epsilon } = attrsOf<BatchNormAttrs>(attrs);
  const channels = x.shape[x.shape.length - 1] as number;
  const xs = dataOf(kernelBackend, x);
  const gamma = dataOf(kernelBackend, inputs['gamma'] as tf.TensorInfo);
  const beta = dataOf(kernelBackend, inputs['beta'] as tf.TensorInfo);
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const y = new Float32Array(xs.length);
  normalize(xs, gamma, beta, mean, variance, y, channels, epsilon);
  return [
    output(kernelBackend, x.shape, y),
    output(kernelBackend, [channels], Float32Array.from(mean)),
    output(kernelBackend, [channels], Float32Array.from(variance)),
  ];
};

function normalize(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float64Array,
  variance: Float64Array,
  y: Float32Array,
  channels: number,
  epsilon: number,
): void {
  const n = x.length;
  const count = n / channels;
  for (let p = 0; p < n; p += channels) {
    for (let c = 0; c < channels; c++) mean[c] = (mean[c] as number) + (x[p + c] as number);
  }
  for (let c = 0; c < channels; c++) mean[c] = (mean[c] as number) / count;
  for (let p = 0; p < n; p += channels) {
    for (let c = 0; c < channels; c++) {
      const d = (x[p + c] as number) - (mean[c] as number);
      variance[c] = (variance[c] as number) + d * d;
    }
  }
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    variance[c] = (variance[c] as number) / count;
    scale[c] = (gamma[c] as number) / sqrt((variance[c] as number) + epsilon);
    shift[c] = (beta[c] as number) - (mean[c] as number) * (scale[c] as number);
  }
  for (let p = 0; p < n; p += channels) {
    for (let c = 0; c < channels; c++) y[p + c] = (x[p + c] as number) * (scale[c] as number) + (shift[c] as number);
  }
}

/**
 * The gradient, in two JS passes: with x̂ = (x - mean) / σ, `dβ = Σ dy`, `dγ = Σ dy x̂`, and
 * `dx = γ/σ (dy - dβ/N - x̂ dγ/N) + dmean/N + dvariance · 2 (x - mean)/N` (the last two terms for
 * the mean and variance outputs, which the layer only feeds its moving averages: zero there).
 */
export const batchNormGradient: tf.GradConfig = {
  kernelName: FUSED_BATCH_NORM,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved as tf.Tensor[];
    const { epsilon } = attrsOf<BatchNormAttrs>(attrs);
    const backend = tf.backend();
    const channels = (gamma as tf.Tensor).size;
    const dx = new Float32Array((x as tf.Tensor).size);
    const dGamma = new Float64Array(channels);
    const dBeta = new Float64Array(channels);
    backward(
      dataOf(backend, x as tf.Tensor),
      dataOf(backend, dy as tf.Tensor),
      dataOf(backend, gamma as tf.Tensor),
      dataOf(backend, mean as tf.Tensor),
      dataOf(backend, variance as tf.Tensor),
      dataOf(backend, dMean as tf.Tensor),
      dataOf(backend, dVariance as tf.Tensor),
      dx,
      dGamma,
      dBeta,
      channels,
      epsilon,
    );
    return {
      x: () => tf.tensor(dx, (x as tf.Tensor).shape),
      gamma: () => tf.tensor1d(Float32Array.from(dGamma)),
      beta: () => tf.tensor1d(Float32Array.from(dBeta)),
    };
  },
};

function backward(
  x: Float32Array,
  dy: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  dMean: Float32Array,
  dVariance: Float32Array,
  dx: Float32Array,
  dGamma: Float64Array,
  dBeta: Float64Array,
  channels: number,
  epsilon: number,
): void {
  const n = x.length;
  const count = n / channels;
  const invStd = new Float64Array(channels);
  for (let c = 0; c < channels; c++) invStd[c] = 1 / sqrt((variance[c] as number) + epsilon);
  // Σ dy (x - mean), scaled by 1/σ after the loop.
  for (let p = 0; p < n; p += channels) {
    for (let c = 0; c < channels; c++) {
      const g = dy[p + c] as number;
      dBeta[c] = (dBeta[c] as number) + g;
      dGamma[c] = (dGamma[c] as number) + g * ((x[p + c] as number) - (mean[c] as number));
    }
  }
  for (let c = 0; c < channels; c++) dGamma[c] = (dGamma[c] as number) * (invStd[c] as number);
  // dx = a·dy + b·(x - mean) + k per channel.
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = invStd[c] as number;
    a[c] = (gamma[c] as number) * s;
    b[c] = (-(a[c] as number) * s * (dGamma[c] as number)) / count + (2 * (dVariance[c] as number)) / count;
    k[c] = (-(a[c] as number) * (dBeta[c] as number)) / count + (dMean[c] as number) / count;
  }
  // dx = a·dy + b·x + (k - b·mean).
  for (let c = 0; c < channels; c++) k[c] = (k[c] as number) - (b[c] as number) * (mean[c] as number);
  for (let p = 0; p < n; p += channels) {
    for (let c = 0; c < channels; c++) {
      dx[p + c] = (a[c] as number) * (dy[p + c] as number) + (b[c] as number) * (x[p + c] as number) + (k[c] as number);
    }
  }
}

/** The forward kernel for each backend it runs on (registered by `registerTrainingOps`). */
export const batchNormKernels: readonly tf.KernelConfig[] = IN_MEMORY.map((backendName) => ({
  kernelName: FUSED_BATCH_NORM,
  backendName,
  kernelFunc: batchNormKernel,
}));

/**
 * Batch normalisation in training over every axis but the last, as one op on the wasm and cpu
 * backends: returns `[y, mean, variance]` (variance biased, as tfjs-layers takes it). tfjs-layers
 * runs `moments` + `batchNorm`, ~10 taped ops whose gradients (tiles, multiplies, sums) were a third
 * of a DARTS edge's step on wasm.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  const attrs: tf.NamedAttrMap = { epsilon };
  return tf.engine().runKernel(FUSED_BATCH_NORM, { x, gamma, beta }, attrs) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
}

import * as tf from '@tensorflow/tfjs';
import { attrsOf } from '../internals';
import { IN_MEMORY, dataOf, isWasm, outputOf } from './in-memory';
import { simdKernelsFor, type SimdKernels } from '../simd/simd-kernels';

// Bound once: inside jest's vm context every `Math.x` is a global lookup (see fused-dense-layer.ts).
const sqrt = Math.sqrt;

/** The kernel {@link batchNormTraining} runs (wasm and cpu, with its gradient; registered by `registerTrainingOps`). */
export const FUSED_BATCH_NORM = 'TfjsTuneBatchNormTrain';

/** Its gradient as one kernel: `[dx, dGamma, dBeta]` from x, dy, gamma and the saved moments. */
export const FUSED_BATCH_NORM_GRAD = 'TfjsTuneBatchNormTrainGrad';

interface BatchNormAttrs {
  readonly epsilon: number;
}

/**
 * The C kernels when they can take this call: wasm with the module loaded, float32, not empty, and
 * few enough channels for their per-channel arrays.
 */
function simdFor(backend: tf.KernelBackend, x: tf.TensorInfo, channels: number): SimdKernels | undefined {
  if (!isWasm(backend) || x.dtype !== 'float32' || channels === 0 || x.shape.includes(0)) return undefined;
  const simd = simdKernelsFor(backend);
  return simd !== undefined && channels <= simd.maxChannels ? simd : undefined;
}

/**
 * Forward: per-channel (last axis) mean and biased variance of x in float64 (two passes), then
 * `y = (x - mean) / sqrt(variance + epsilon) * gamma + beta`. Outputs y, mean, variance. On wasm
 * our C kernel writes them in place; elsewhere the same loops run in JS.
 */
const batchNormKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const kernelBackend = backend as tf.KernelBackend;
  const x = inputs['x'] as tf.TensorInfo;
  const gammaInfo = inputs['gamma'] as tf.TensorInfo;
  const betaInfo = inputs['beta'] as tf.TensorInfo;
  const { epsilon } = attrsOf<BatchNormAttrs>(attrs);
  const channels = x.shape[x.shape.length - 1] as number;
  const simd = simdFor(kernelBackend, x, channels);
  if (simd !== undefined && isWasm(kernelBackend)) {
    const y = kernelBackend.makeOutput(x.shape, 'float32');
    const mean = kernelBackend.makeOutput([channels], 'float32');
    const variance = kernelBackend.makeOutput([channels], 'float32');
    const count = sizeOf(x.shape) / channels;
    const p = (info: tf.TensorInfo): number => simd.pointer(info);
    simd.fn.batch_norm_forward(p(x), p(gammaInfo), p(betaInfo), p(y), p(mean), p(variance), count, channels, epsilon);
    return [y, mean, variance];
  }
  const xs = dataOf(kernelBackend, x);
  const gamma = dataOf(kernelBackend, gammaInfo);
  const beta = dataOf(kernelBackend, betaInfo);
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const y = new Float32Array(xs.length);
  normalize(xs, gamma, beta, mean, variance, y, channels, epsilon);
  return [
    outputOf(kernelBackend, x.shape, y),
    outputOf(kernelBackend, [channels], Float32Array.from(mean)),
    outputOf(kernelBackend, [channels], Float32Array.from(variance)),
  ];
};

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

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
 * The gradient, one kernel ({@link FUSED_BATCH_NORM_GRAD}): with x̂ = (x - mean) / σ, `dβ = Σ dy`,
 * `dγ = Σ dy x̂`, and `dx = γ/σ (dy - dβ/N - x̂ dγ/N) + dmean/N + dvariance · 2 (x - mean)/N` (the
 * last two terms for the mean and variance outputs, which the layer only feeds its moving averages:
 * zero there).
 */
export const batchNormGradient: tf.GradConfig = {
  kernelName: FUSED_BATCH_NORM,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved as tf.Tensor[];
    const inputs = { x, dy, gamma, mean, variance, dMean, dVariance } as tf.NamedTensorMap;
    const [dx, dGamma, dBeta] = tf.engine().runKernel(FUSED_BATCH_NORM_GRAD, inputs, { ...attrs }) as tf.Tensor[];
    return { x: () => dx as tf.Tensor, gamma: () => dGamma as tf.Tensor, beta: () => dBeta as tf.Tensor };
  },
};

/** The gradient kernel: two passes over x and dy, by our C kernel on wasm, in JS elsewhere. */
const batchNormGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const kernelBackend = backend as tf.KernelBackend;
  const info = (name: string): tf.TensorInfo => {
    const found = inputs[name];
    if (found === undefined) throw new Error(`${FUSED_BATCH_NORM_GRAD} needs ${name}`);
    return found;
  };
  const x = info('x');
  const { epsilon } = attrsOf<BatchNormAttrs>(attrs);
  const channels = x.shape[x.shape.length - 1] as number;
  const names = ['x', 'dy', 'gamma', 'mean', 'variance', 'dMean', 'dVariance'] as const;
  const simd = simdFor(kernelBackend, x, channels);
  if (simd !== undefined && isWasm(kernelBackend)) {
    const dx = kernelBackend.makeOutput(x.shape, 'float32');
    const dGamma = kernelBackend.makeOutput([channels], 'float32');
    const dBeta = kernelBackend.makeOutput([channels], 'float32');
    const p = (name: (typeof names)[number]): number => simd.pointer(info(name));
    simd.fn.batch_norm_backward(
      p('x'),
      p('dy'),
      p('gamma'),
      p('mean'),
      p('variance'),
      p('dMean'),
      p('dVariance'),
      simd.pointer(dx),
      simd.pointer(dGamma),
      simd.pointer(dBeta),
      sizeOf(x.shape) / channels,
      channels,
      epsilon,
    );
    return [dx, dGamma, dBeta];
  }
  const [xs, dy, gamma, mean, variance, dMean, dVariance] = names.map((n) => dataOf(kernelBackend, info(n)));
  const dx = new Float32Array(xs?.length ?? 0);
  const dGamma = new Float64Array(channels);
  const dBeta = new Float64Array(channels);
  backward(
    xs as Float32Array,
    dy as Float32Array,
    gamma as Float32Array,
    mean as Float32Array,
    variance as Float32Array,
    dMean as Float32Array,
    dVariance as Float32Array,
    dx,
    dGamma,
    dBeta,
    channels,
    epsilon,
  );
  return [
    outputOf(kernelBackend, x.shape, dx),
    outputOf(kernelBackend, [channels], Float32Array.from(dGamma)),
    outputOf(kernelBackend, [channels], Float32Array.from(dBeta)),
  ];
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

/** The forward and gradient kernels for each backend they run on (registered by `registerTrainingOps`). */
export const batchNormKernels: readonly tf.KernelConfig[] = IN_MEMORY.flatMap((backendName) => [
  { kernelName: FUSED_BATCH_NORM, backendName, kernelFunc: batchNormKernel },
  { kernelName: FUSED_BATCH_NORM_GRAD, backendName, kernelFunc: batchNormGradKernel },
]);

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

import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { classOf } from './stock-class';

// Bound once: inside jest's vm context every `Math.x` is a global lookup (see fused-dense-layer.ts).
const sqrt = Math.sqrt;

/** The arguments of `tf.layers.batchNormalization`. */
export type FusedBatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

type BatchNormLayer = ReturnType<typeof tf.layers.batchNormalization>;
type LayerCallArgs = Parameters<BatchNormLayer['call']>;

/** The fields of tfjs-layers' BatchNormalization that `call` reads (private in its typings). */
interface BatchNormFields {
  readonly axis: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly gamma: tf.LayerVariable | null;
  readonly beta: tf.LayerVariable | null;
  readonly movingMean: tf.LayerVariable;
  readonly movingVariance: tf.LayerVariable;
  invokeCallHook?(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): void;
}

/** The kernel {@link batchNormTraining} runs (wasm and cpu, with its gradient). */
export const FUSED_BATCH_NORM = 'TfjsTuneBatchNormTrain';

const IN_MEMORY: readonly string[] = ['wasm', 'cpu'];

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

/** The cpu backend's allocator (its class is not exported by @tensorflow/tfjs). */
interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** A new float32 tensor of the backend holding `values`. */
function output(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  if (!isWasm(backend)) return (backend as unknown as CpuBackend).makeTensorInfo(shape, 'float32', values);
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
  const { epsilon } = attrs as unknown as BatchNormAttrs;
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
const batchNormGradient: tf.GradConfig = {
  kernelName: FUSED_BATCH_NORM,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved as tf.Tensor[];
    const { epsilon } = attrs as unknown as BatchNormAttrs;
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

// Once per tfjs instance (getKernel returns undefined for a kernel not registered yet).
if ((tf.getKernel(FUSED_BATCH_NORM, 'cpu') as tf.KernelConfig | undefined) === undefined) {
  for (const backendName of IN_MEMORY)
    tf.registerKernel({ kernelName: FUSED_BATCH_NORM, backendName, kernelFunc: batchNormKernel });
  tf.registerGradient(batchNormGradient);
}

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
  return tf.engine().runKernel(FUSED_BATCH_NORM, { x, gamma, beta }, { epsilon } as unknown as tf.NamedAttrMap) as [
    tf.Tensor,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
}

const BatchNormBase = classOf<new (args?: FusedBatchNormalizationArgs) => BatchNormLayer>(
  tf.layers.batchNormalization({ name: 'tfjs_tune_batch_norm_probe' }),
);

/**
 * `tf.layers.batchNormalization` whose training-time normalisation is one op
 * ({@link batchNormTraining}): the stock layer's weights, config and moving-average updates. Runs
 * the stock `call` at inference, off the wasm and cpu backends, for an axis other than the last, and
 * without both `center` and `scale`. Serialisable under its own class name.
 */
export class FusedBatchNormalization extends BatchNormBase {
  static readonly className = 'TfjsTuneFusedBatchNormalization';

  override call(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const f = this as unknown as BatchNormFields;
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    if (
      !training ||
      x === undefined ||
      x.dtype !== 'float32' ||
      x.rank < 2 ||
      (f.axis !== -1 && f.axis !== x.rank - 1) ||
      f.gamma === null ||
      f.beta === null ||
      !IN_MEMORY.includes(tf.getBackend())
    ) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      f.invokeCallHook?.(inputs, kwargs);
      const [y, mean, variance] = batchNormTraining(
        x,
        (f.gamma as tf.LayerVariable).read() as tf.Tensor1D,
        (f.beta as tf.LayerVariable).read() as tf.Tensor1D,
        f.epsilon,
      );
      // The stock layer's moving-average update, op for op.
      const decay = 1 - f.momentum;
      for (const [variable, value] of [
        [f.movingMean, mean],
        [f.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), decay)));
        });
      }
      return y;
    });
  }
}
tf.serialization.registerClass(
  FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/** Factory in the tfjs style, a drop-in for `tf.layers.batchNormalization`. */
export function fusedBatchNormalization(args?: FusedBatchNormalizationArgs): FusedBatchNormalization {
  return new FusedBatchNormalization(args);
}

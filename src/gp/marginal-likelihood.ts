import * as tf from '@tensorflow/tfjs';

import type { Rng } from '../random/rng';
import { CholeskyFactor, type CholeskyOptions } from './cholesky';
import { type KernelName, trainingKernel } from './kernels';
import { minimizeLBFGS, type LBFGSResult } from './lbfgs';
import type { GPHyperparameters } from './posterior';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Optuna's floor on the noise variance (standardised outputs); also the fixed noise of a deterministic objective. */
export const MIN_NOISE = 1e-6;

/**
 * -log N(y | 0, K) as a tfjs op of K with an analytic gradient: tfjs has no differentiable Cholesky,
 * so the forward pass factorises with the blocked Cholesky and the backward pass returns
 * d(-log p)/dK = (K^-1 - alpha alpha^T) / 2, alpha = K^-1 y (Rasmussen & Williams eq. 5.9). tfjs
 * autodiff then carries it through the kernel to the hyperparameters.
 */
export function gaussianNegLogLikelihood(
  y: ArrayLike<number>,
  options: CholeskyOptions = {},
): (k: tf.Tensor2D) => tf.Scalar {
  const n = y.length;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [k, save] = args as [tf.Tensor, tf.GradSaveFunc];
    let factor: CholeskyFactor;
    try {
      factor = CholeskyFactor.of(k as tf.Tensor2D, options);
    } catch {
      // No jitter rescued K (non-finite entries): an infinitely unlikely point, not an exception,
      // which would leave the tensors other ops saved on the gradient tape behind.
      return { value: tf.scalar(Infinity), gradFunc: () => tf.zerosLike(k) };
    }
    try {
      const z = factor.solveLower(tf.tensor2d(Float32Array.from(y), [n, 1]));
      const alpha = factor.solveUpper(z);
      save([factor.inverse(), alpha]);
      const value = tf.add(tf.mul(tf.sum(tf.square(z)), 0.5), 0.5 * factor.logDet + n * HALF_LOG_2PI);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [kinv, a] = saved as [tf.Tensor2D, tf.Tensor2D];
          return tf.mul(dy, tf.mul(tf.sub(kinv, tf.matMul(a, tf.transpose(a))), 0.5));
        },
      };
    } finally {
      factor.dispose();
    }
  });
  return (k) => op(k) as tf.Scalar;
}

/**
 * Log prior of the raw hyperparameters (log w per parameter, log scale, log(noise - MIN_NOISE)),
 * Optuna's GPSampler defaults (`optuna/_gp/prior.py`): -(0.1 / w + 0.1 w) on each inverse squared
 * lengthscale w, which keeps lengthscales near the unit cube's size; Gamma(2, 1) on the signal
 * variance; Gamma(1.1, 30) on the noise, which prefers little noise. Value and gradient are written
 * out in float64: a handful of scalars, where tensor ops would cost ~40 op dispatches per evaluation.
 */
export function logPrior(params: number, deterministic: boolean): (raw: tf.Tensor1D) => tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [rawTensor, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const raw = Float64Array.from(rawTensor.dataSync());
    const grad = new Float64Array(raw.length);
    let value = 0;
    for (let p = 0; p < params; p++) {
      const w = Math.exp(raw[p] as number);
      value -= 0.1 / w + 0.1 * w;
      grad[p] = 0.1 / w - 0.1 * w;
    }
    const scale = Math.exp(raw[params] as number);
    value += (raw[params] as number) - scale; // (2 - 1) log s - s
    grad[params] = 1 - scale;
    if (!deterministic) {
      const excess = Math.exp(raw[params + 1] as number);
      const noise = excess + MIN_NOISE;
      value += 0.1 * Math.log(noise) - 30 * noise; // (1.1 - 1) log n - 30 n
      grad[params + 1] = excess * (0.1 / noise - 30);
    }
    save([tf.tensor1d(Float32Array.from(grad))]);
    return {
      value: tf.scalar(value),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0] as tf.Tensor),
    };
  });
  return (raw) => op(raw) as tf.Scalar;
}

export interface HyperparameterFitOptions {
  readonly kernel: KernelName;
  /** Input column -> parameter whose lengthscale it uses (one-hot columns share one). */
  readonly columnParam: Int32Array;
  /** Fix the noise at {@link MIN_NOISE} instead of fitting it. */
  readonly deterministic: boolean;
  /** Draws the extra starting points. */
  readonly rng: Rng;
  /** Starting points in all (the first is the default one). Default 3. */
  readonly restarts?: number;
  /** L-BFGS iterations for the winner. Default 30. */
  readonly maxIterations?: number;
  /** L-BFGS iterations every start gets before the best one is chosen. Default 2. */
  readonly probeIterations?: number;
  readonly cholesky?: CholeskyOptions;
}

/**
 * Per column, the factor between its inverse squared lengthscale and its parameter's: 1/2 on the
 * columns of a categorical with several choices, 1 elsewhere. Two different one-hot vectors are at
 * squared distance 2, so halving makes a change of choice count w, the Hamming distance Optuna's
 * kernel uses, and Optuna's prior on w means the same thing here.
 */
export function columnFactors(columnParam: ArrayLike<number>): Float64Array {
  const width = new Map<number, number>();
  Array.from(columnParam).forEach((p) => width.set(p, (width.get(p) ?? 0) + 1));
  return Float64Array.from(columnParam, (p) => ((width.get(p) ?? 1) > 1 ? 0.5 : 1));
}

/**
 * The matrix that expands one inverse squared lengthscale per parameter to one per encoded column
 * (times {@link columnFactors}; a matMul: the gather's gradient needs UnsortedSegmentSum, which the
 * wasm backend lacks). Callers dispose it.
 */
export function lengthscaleExpansion(columnParam: ArrayLike<number>, params: number): tf.Tensor2D {
  const factors = columnFactors(columnParam);
  const ones = new Float32Array(params * columnParam.length);
  Array.from(columnParam).forEach((p, c) => (ones[p * columnParam.length + c] = factors[c] as number));
  return tf.tensor2d(ones, [params, columnParam.length]);
}

/**
 * L-BFGS's view of a tfjs loss over raw hyperparameters: value and gradient in float64, and
 * Infinity where the loss or its gradient is not finite or the covariance could not be factored —
 * an infinitely bad point, which the line search avoids.
 */
export function lossEvaluator(
  loss: (raw: tf.Tensor1D) => tf.Scalar,
  dim: number,
): (raw: Float64Array) => { value: number; grad: Float64Array } {
  const valueAndGrad = tf.valueAndGrad(loss);
  return (raw) => {
    try {
      let out = { value: Infinity, grad: new Float64Array(dim) };
      tf.tidy(() => {
        const { value, grad } = valueAndGrad(tf.tensor1d(Float32Array.from(raw)));
        const v = value.dataSync()[0] as number;
        const g = Float64Array.from(grad.dataSync());
        out = { value: g.every(Number.isFinite) ? v : Infinity, grad: g };
      });
      return out;
    } catch {
      return { value: Infinity, grad: new Float64Array(dim) };
    }
  };
}

/**
 * Maximum a posteriori hyperparameters: -log p(y | theta) - log prior(theta) minimised over
 * log-parameters by L-BFGS with gradients from tfjs autodiff (`tf.valueAndGrad` through the kernel and
 * {@link gaussianNegLogLikelihood}). Each start (the default, then draws from `rng`) gets a few
 * iterations; the best one continues to convergence.
 */
export function fitHyperparameters(
  x: tf.Tensor2D,
  y: ArrayLike<number>,
  options: HyperparameterFitOptions,
): GPHyperparameters {
  const params = Math.max(0, ...Array.from(options.columnParam)) + 1;
  const dim = params + (options.deterministic ? 1 : 2);
  const n = x.shape[0];
  const nll = gaussianNegLogLikelihood(y, options.cholesky ?? {});
  const prior = logPrior(params, options.deterministic);
  const kernel = trainingKernel(options.kernel, x);
  const expand = lengthscaleExpansion(options.columnParam, params);
  const eye = tf.eye(n);
  const loss = (raw: tf.Tensor1D): tf.Scalar => {
    const e = tf.exp(raw);
    const w = tf.reshape(tf.matMul(e.slice(0, params).reshape([1, params]), expand), [-1]) as tf.Tensor1D;
    const scale = e.slice(params, 1).reshape([]) as tf.Scalar;
    const noise = options.deterministic ? MIN_NOISE : tf.add(e.slice(params + 1, 1).reshape([]), MIN_NOISE);
    const cov = tf.add(kernel(w, scale), tf.mul(eye, noise)) as tf.Tensor2D;
    return tf.sub(nll(cov), prior(raw));
  };
  const evaluate = lossEvaluator(loss, dim);
  const lower = new Float64Array(dim).fill(-9);
  const upper = new Float64Array(dim).fill(9);
  lower[params] = -6;
  upper[params] = 4;
  if (!options.deterministic) {
    lower[params + 1] = -16;
    upper[params + 1] = 1;
  }
  try {
    const starts = [defaultStart(params, dim)];
    for (let i = 1; i < (options.restarts ?? 3); i++) {
      const s = new Float64Array(dim);
      for (let j = 0; j < params; j++) s[j] = options.rng.uniform(-3, 4);
      s[params] = options.rng.uniform(-1, 1);
      if (!options.deterministic) s[params + 1] = options.rng.uniform(-10, -2);
      starts.push(s);
    }
    // gtol as Optuna's; ftol and the short line search because the float32 loss is noisy near 1e-6.
    const bounds = { lower, upper, gtol: 1e-2, ftol: 1e-6, maxBacktracks: 6 };
    let best: LBFGSResult | null = null;
    const probe = options.probeIterations ?? 2;
    for (const s of starts) {
      const r = minimizeLBFGS(evaluate, s, { ...bounds, maxIterations: starts.length === 1 ? 0 : probe });
      if (best === null || r.value < best.value) best = r;
    }
    const chosen = best as LBFGSResult;
    const maxIterations = options.maxIterations ?? 30;
    const final = minimizeLBFGS(evaluate, chosen.x, { ...bounds, maxIterations, maxEvaluations: maxIterations + 10 });
    const raw = final.value <= chosen.value ? final.x : chosen.x;
    return toHyperparameters(raw, options.columnParam, params, options.deterministic);
  } finally {
    expand.dispose();
    eye.dispose();
  }
}

/**
 * Optuna's default start (`fit_kernel_params`: every kernel parameter 1): inverse squared
 * lengthscale 1 on every parameter, unit signal variance, noise variance 1 (raw log(1 - MIN_NOISE)).
 */
function defaultStart(params: number, dim: number): Float64Array {
  const s = new Float64Array(dim);
  if (dim > params + 1) s[params + 1] = Math.log(1 - MIN_NOISE);
  return s;
}

function toHyperparameters(
  raw: Float64Array,
  columnParam: Int32Array,
  params: number,
  deterministic: boolean,
): GPHyperparameters {
  const factors = columnFactors(columnParam);
  const isl = new Float64Array(columnParam.length);
  columnParam.forEach((p, c) => (isl[c] = Math.exp(raw[p] as number) * (factors[c] as number)));
  return {
    inverseSquaredLengthscales: isl,
    scale: Math.exp(raw[params] as number),
    noise: deterministic ? MIN_NOISE : Math.exp(raw[params + 1] as number) + MIN_NOISE,
  };
}

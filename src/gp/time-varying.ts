import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { Rng } from '../random/rng';
import type { CholeskyOptions } from './cholesky';
import { type KernelName, trainingKernel } from './kernels';
import { minimizeLBFGS, type LBFGSResult } from './lbfgs';
import {
  gaussianNegLogLikelihood,
  columnFactors,
  lengthscaleExpansion,
  logPrior,
  lossEvaluator,
  MIN_NOISE,
} from './marginal-likelihood';
import type { FixedKernelFactor, GPHyperparameters } from './posterior';

/**
 * The time-varying kernel of TV-GP-UCB (Bogunovic, Scarlett & Cevher 2016), as PB2 uses it
 * (Parker-Holder et al. 2020): k((t, c, x), (t', c', x')) = (1 − ε)^{|t − t'| / 2} · exp(−w_c (c − c')² / 2)
 * · k_x(x, x'). The first factor forgets old observations at rate ε per unit of time; the second, a
 * squared-exponential on an optional context column (PB2's reward before the interval, as Ray Tune's
 * PB2 feeds it), says how far results carry between states; k_x is the ARD kernel on the encoded
 * hyperparameters. Time and context are fixed wherever PB2 asks the posterior (the current step and
 * reward), so the first two factors enter it as a {@link FixedKernelFactor}.
 */
export interface TimeVaryingHyperparameters extends GPHyperparameters {
  /** The forgetting rate ε, in [{@link MIN_EPSILON}, {@link MAX_EPSILON}]. */
  readonly epsilon: number;
  /** 1 / lengthscale² of the context factor (0 without a context column). */
  readonly contextWeight: number;
}

/** The time and (optional) context coordinate of each training point. */
export interface TimeVaryingInputs {
  readonly times: ArrayLike<number>;
  readonly context: ArrayLike<number> | null;
}

/** Ray Tune's PB2 clips ε at 0.5 (half the correlation gone per two units of time); the floor keeps log ε finite. */
export const MAX_EPSILON = 0.5;
export const MIN_EPSILON = 1e-4;
/** Ray Tune's PB2 starts ε at 0.1. */
const EPSILON_START = 0.1;

function pairwise(values: ArrayLike<number>, squared: boolean): tf.Tensor2D {
  const v = Float32Array.from(values);
  const n = v.length;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const d = (v[i] as number) - (v[j] as number);
      out[i * n + j] = squared ? d * d : Math.abs(d);
    }
  return tf.tensor2d(out, [n, n]);
}

/** log of the time and context factors over the training points, from the distance matrices. */
function logFactor(
  timeDistances: tf.Tensor2D,
  contextSquared: tf.Tensor2D | null,
  logEpsilon: tf.Scalar,
  contextWeight: tf.Scalar | null,
): tf.Tensor2D {
  // log((1 − ε)^{d / 2}) = d / 2 · log1p(−ε).
  const time = tf.mul(timeDistances, tf.mul(tf.log1p(tf.neg(tf.exp(logEpsilon))), 0.5));
  if (contextSquared === null || contextWeight === null) return time as tf.Tensor2D;
  return tf.sub(time, tf.mul(contextSquared, tf.mul(contextWeight, 0.5))) as tf.Tensor2D;
}

/**
 * The factor the posterior needs for fixed hyperparameters: over the training points, and between
 * them and the point (time, context) asked about. The caller disposes `train`.
 */
export function timeVaryingFactor(
  hp: TimeVaryingHyperparameters,
  inputs: TimeVaryingInputs,
  at: { readonly time: number; readonly context: number | null },
): FixedKernelFactor {
  const n = inputs.times.length;
  const withContext = inputs.context !== null && at.context !== null;
  const train = tf.tidy(() =>
    tf.exp(
      logFactor(
        pairwise(inputs.times, false),
        withContext ? pairwise(inputs.context as ArrayLike<number>, true) : null,
        tf.scalar(Math.log(hp.epsilon)),
        withContext ? tf.scalar(hp.contextWeight) : null,
      ),
    ),
  ) as tf.Tensor2D;
  const cross = new Float64Array(n);
  const logDecay = 0.5 * Math.log1p(-hp.epsilon);
  for (let i = 0; i < n; i++) {
    let log = Math.abs(at.time - (inputs.times[i] as number)) * logDecay;
    if (withContext) {
      const d = (at.context as number) - ((inputs.context as ArrayLike<number>)[i] as number);
      log -= 0.5 * hp.contextWeight * d * d;
    }
    cross[i] = Math.exp(log);
  }
  return { train, cross };
}

export interface TimeVaryingFitOptions {
  readonly kernel: KernelName;
  /** Input column → parameter whose lengthscale it uses (one-hot columns share one). */
  readonly columnParam: Int32Array;
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
 * Maximum a posteriori hyperparameters of the time-varying kernel, ε included (Bogunovic et al. and
 * PB2 fit it by the marginal likelihood): the same objective, priors and L-BFGS as
 * `fitHyperparameters`, with log ε (flat prior on [MIN_EPSILON, MAX_EPSILON]) and the context
 * weight (the lengthscale prior) appended. Noise is always fitted: reward changes are noisy.
 */
export function fitTimeVaryingHyperparameters(
  x: tf.Tensor2D,
  y: ArrayLike<number>,
  inputs: TimeVaryingInputs,
  options: TimeVaryingFitOptions,
): TimeVaryingHyperparameters {
  const n = x.shape[0];
  if (y.length !== n || inputs.times.length !== n || (inputs.context !== null && inputs.context.length !== n)) {
    throw new InvalidArgumentError('fitTimeVaryingHyperparameters inputs', [n, y.length], `${n} values of each input`);
  }
  const params = Math.max(0, ...Array.from(options.columnParam)) + 1;
  const hasContext = inputs.context !== null;
  // Layout: log w per parameter, [log w_context], log scale, log(noise − MIN_NOISE), log ε.
  const lengthscales = params + (hasContext ? 1 : 0);
  const dim = lengthscales + 3;
  const nll = gaussianNegLogLikelihood(y, options.cholesky ?? {});
  const prior = logPrior(lengthscales, false);
  const kernel = trainingKernel(options.kernel, x);
  const expand = lengthscaleExpansion(options.columnParam, params);
  const eye = tf.eye(n);
  const timeDistances = pairwise(inputs.times, false);
  const contextSquared = hasContext ? pairwise(inputs.context as ArrayLike<number>, true) : null;
  const loss = (raw: tf.Tensor1D): tf.Scalar => {
    const w = tf.reshape(tf.matMul(tf.exp(raw.slice(0, params)).reshape([1, params]), expand), [-1]) as tf.Tensor1D;
    const scale = tf.exp(raw.slice(lengthscales, 1)).reshape([]) as tf.Scalar;
    const noise = tf.add(tf.exp(raw.slice(lengthscales + 1, 1)).reshape([]), MIN_NOISE);
    const logEpsilon = raw.slice(lengthscales + 2, 1).reshape([]) as tf.Scalar;
    const contextWeight = hasContext ? (tf.exp(raw.slice(params, 1)).reshape([]) as tf.Scalar) : null;
    const factor = tf.exp(logFactor(timeDistances, contextSquared, logEpsilon, contextWeight));
    const cov = tf.add(tf.mul(kernel(w, scale), factor), tf.mul(eye, noise)) as tf.Tensor2D;
    return tf.sub(nll(cov), prior(raw.slice(0, lengthscales + 2) as tf.Tensor1D));
  };
  const evaluate = lossEvaluator(loss, dim);
  const lower = new Float64Array(dim).fill(-9);
  const upper = new Float64Array(dim).fill(9);
  lower[lengthscales] = -6;
  upper[lengthscales] = 4;
  lower[lengthscales + 1] = -16;
  upper[lengthscales + 1] = 1;
  lower[lengthscales + 2] = Math.log(MIN_EPSILON);
  upper[lengthscales + 2] = Math.log(MAX_EPSILON);
  try {
    const start = new Float64Array(dim);
    start[lengthscales + 1] = Math.log(1e-2);
    start[lengthscales + 2] = Math.log(EPSILON_START);
    const starts = [start];
    for (let i = 1; i < (options.restarts ?? 3); i++) {
      const s = new Float64Array(dim);
      for (let j = 0; j < lengthscales; j++) s[j] = options.rng.uniform(-3, 4);
      s[lengthscales] = options.rng.uniform(-1, 1);
      s[lengthscales + 1] = options.rng.uniform(-10, -2);
      s[lengthscales + 2] = options.rng.uniform(Math.log(MIN_EPSILON), Math.log(MAX_EPSILON));
      starts.push(s);
    }
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
    const factors = columnFactors(options.columnParam);
    const isl = new Float64Array(options.columnParam.length);
    options.columnParam.forEach((p, c) => (isl[c] = Math.exp(raw[p] as number) * (factors[c] as number)));
    return {
      inverseSquaredLengthscales: isl,
      scale: Math.exp(raw[lengthscales] as number),
      noise: Math.exp(raw[lengthscales + 1] as number) + MIN_NOISE,
      epsilon: Math.min(MAX_EPSILON, Math.max(MIN_EPSILON, Math.exp(raw[lengthscales + 2] as number))),
      contextWeight: hasContext ? Math.exp(raw[params] as number) : 0,
    };
  } finally {
    for (const t of [expand, eye, timeDistances, contextSquared]) t?.dispose();
  }
}

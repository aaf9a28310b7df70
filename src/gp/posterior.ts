import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { CholeskyFactor, type CholeskyOptions, type CholeskyPath } from './cholesky';
import {
  type KernelName,
  type PreparedKernel,
  crossKernel,
  crossKernelPointGradient,
  disposePrepared,
  kernelMatrix,
  prepareKernel,
} from './kernels';

/** Kernel hyperparameters in natural units (outputs standardised, inputs in the unit cube). */
export interface GPHyperparameters {
  /** 1 / lengthscale^2 for every input column (length D). */
  readonly inverseSquaredLengthscales: Float64Array;
  /** Signal variance. */
  readonly scale: number;
  /** Observation noise variance. */
  readonly noise: number;
}

/**
 * A factor of a product kernel that is constant wherever the posterior is asked: k((z, x), (z', x'))
 * = f(z, z') k(x, x'), predicted only at one z* (PB2's time decay and reward similarity, at the
 * current time and reward). `train` is f over the training points (n x n, multiplied into K);
 * `cross` is f(z*, z_i) per training point (multiplied into k(x, X)), with f(z*, z*) = 1 so the
 * prior variance stays `scale`. Folded into alpha and L^-1, so prediction costs what it did.
 */
export interface FixedKernelFactor {
  readonly train: tf.Tensor2D;
  readonly cross: ArrayLike<number>;
}

/** Below this the posterior variance is rounding noise; clamping keeps log(sigma) finite. */
export const MIN_VARIANCE = 1e-10;

/** y standardised to mean 0 and standard deviation 1 (a constant y keeps scale 1). */
export interface Standardized {
  readonly values: Float64Array;
  readonly mean: number;
  readonly std: number;
}

export function standardize(y: ArrayLike<number>): Standardized {
  const n = y.length;
  if (n === 0) throw new InvalidArgumentError('standardize(y)', y, 'at least one value');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((y[i] as number) - mean) ** 2;
  const sd = Math.sqrt(ss / n);
  const std = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = ((y[i] as number) - mean) / std;
  return { values, mean, std };
}

/**
 * The GP posterior for fixed hyperparameters: K = k(X, X) + noise I factorised once, then
 * mean(x) = k(x, X) alpha with alpha = K^-1 y, and variance(x) = scale - |L^-1 k(X, x)|^2, both as
 * `matMul`s over a batch of points. The variance uses the explicit inverse factor L^-1 (a sum of
 * squares, which cannot exceed the prior variance through cancellation of two large terms).
 * `predict` is differentiable in the points (the acquisition's gradient) through a hand-written
 * gradient: d/dk(x, X) = dmean alpha^T - 2 (dvar * v) L^-1, then through the kernel. tfjs's generic
 * gradients would also differentiate the constant alpha and L^-1 (an n x m x n product per step).
 * Owns its tensors: call `dispose()`.
 */
export class GPPosterior {
  private readonly predictOp: (points: tf.Tensor) => tf.Tensor;

  private constructor(
    private readonly prepared: PreparedKernel,
    private readonly alpha: tf.Tensor2D,
    private readonly alphaT: tf.Tensor2D,
    private readonly lowerInverse: tf.Tensor2D,
    private readonly lowerInverseT: tf.Tensor2D,
    readonly path: CholeskyPath,
    readonly jitter: number,
  ) {
    this.predictOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [points, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      const { k, dk } = crossKernel(this.prepared, points);
      const mean = tf.matMul(k, this.alpha);
      const v = tf.matMul(k, this.lowerInverseT); // rows: (L^-1 k(X, x))^T
      const raw = tf.sub(this.prepared.scale, tf.sum(tf.square(v), 1, true));
      save([points, dk, v, tf.cast(tf.greater(raw, MIN_VARIANCE), 'float32')]);
      return {
        value: tf.concat([mean, tf.maximum(raw, MIN_VARIANCE)], 1),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [p, dks, vs, unclamped] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const [dMean, dVar] = tf.split(dy, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
          const dK = tf.sub(
            tf.matMul(dMean, this.alphaT),
            tf.matMul(tf.mul(vs, tf.mul(dVar, tf.mul(unclamped, 2))), this.lowerInverse),
          );
          return crossKernelPointGradient(this.prepared, p, tf.mul(dK, dks) as tf.Tensor2D);
        },
      };
    });
  }

  /** @param x n x D inputs in the unit cube; @param y n standardised outputs. */
  static fit(
    kernel: KernelName,
    x: tf.Tensor2D,
    y: ArrayLike<number>,
    hp: GPHyperparameters,
    options: CholeskyOptions = {},
    factor?: FixedKernelFactor,
  ): GPPosterior {
    const [n, dims] = x.shape;
    if (factor !== undefined && (factor.cross.length !== n || factor.train.shape[0] !== n)) {
      throw new InvalidArgumentError('GPPosterior.fit(factor)', [factor.train.shape, factor.cross.length], `${n} rows`);
    }
    if (y.length !== n) throw new InvalidArgumentError('GPPosterior.fit(y).length', y.length, `${n} (rows of x)`);
    if (hp.inverseSquaredLengthscales.length !== dims) {
      throw new InvalidArgumentError(
        'inverseSquaredLengthscales.length',
        hp.inverseSquaredLengthscales.length,
        `${dims}`,
      );
    }
    const prepared = prepareKernel(kernel, x, hp.inverseSquaredLengthscales, hp.scale);
    let cholesky: CholeskyFactor | null = null;
    try {
      const k = tf.tidy(() => {
        const w = tf.tensor1d(Float32Array.from(hp.inverseSquaredLengthscales));
        const base = kernelMatrix(kernel, x, x, w, hp.scale);
        const product = factor === undefined ? base : tf.mul(base, factor.train);
        return tf.add(product, tf.mul(tf.eye(n), hp.noise)) as tf.Tensor2D;
      });
      try {
        cholesky = CholeskyFactor.of(k, options);
      } finally {
        k.dispose();
      }
      const f = cholesky;
      const [alpha, alphaT, lowerInverse, lowerInverseT] = tf.tidy(() => {
        let a: tf.Tensor2D = f.solveUpper(f.solveLower(tf.tensor2d(Float32Array.from(y), [n, 1])));
        let li: tf.Tensor2D = f.lowerInverse();
        if (factor !== undefined) {
          // k(x, X) c alpha = k(x, X) (c alpha) and L^-1 (c k(X, x)) = (L^-1 diag(c)) k(X, x).
          const c = Float32Array.from(factor.cross);
          a = tf.mul(a, tf.tensor2d(c, [n, 1]));
          li = tf.mul(li, tf.tensor2d(c, [1, n]));
        }
        // alpha^T as its own copy, not a reshape: the wasm backend caches XNNPACK's packed right-hand
        // operand of matMul by data id, so a reshaped view of alpha (n x 1, already a right operand)
        // would be multiplied with alpha's stale packing and give garbage.
        return [a, tf.tensor2d(a.dataSync() as Float32Array, [1, n]), li, tf.transpose(li)] as tf.Tensor2D[];
      }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      return new GPPosterior(prepared, alpha, alphaT, lowerInverse, lowerInverseT, f.path, f.jitter);
    } catch (error) {
      disposePrepared(prepared);
      throw error;
    } finally {
      cholesky?.dispose();
    }
  }

  /** Posterior mean and variance of the latent function at the m rows of `points` (m x D). */
  predict(points: tf.Tensor2D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
    return tf.tidy(() => {
      const [mean, variance] = tf.split(this.predictOp(points), 2, 1);
      return {
        mean: tf.reshape(mean as tf.Tensor, [-1]) as tf.Tensor1D,
        variance: tf.reshape(variance as tf.Tensor, [-1]) as tf.Tensor1D,
      };
    });
  }

  /** `predict` read back into arrays (points given as rows). */
  predictArrays(points: readonly ArrayLike<number>[]): { mean: Float32Array; variance: Float32Array } {
    const dims = this.prepared.centred.shape[1];
    const flat = new Float32Array(points.length * dims);
    points.forEach((p, i) => flat.set(Array.from(p), i * dims));
    const input = tf.tensor2d(flat, [points.length, dims]);
    try {
      const { mean, variance } = this.predict(input);
      const out = { mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array };
      mean.dispose();
      variance.dispose();
      return out;
    } finally {
      input.dispose();
    }
  }

  dispose(): void {
    disposePrepared(this.prepared);
    for (const t of [this.alpha, this.alphaT, this.lowerInverse, this.lowerInverseT]) t.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';

/** The covariance functions on offer; both stationary with one lengthscale per input column (ARD). */
export type KernelName = 'matern52' | 'rbf';

export const KERNEL_NAMES: readonly KernelName[] = ['matern52', 'rbf'];

/**
 * k(s) and dk/ds from scaled squared distances s >= 0 (k(0) = 1):
 * - Matérn 5/2: (1 + r + r^2 / 3) exp(-r), r = sqrt(5 s); dk/ds = -5/6 (1 + r) exp(-r), finite at
 *   s = 0 where autodiff through sqrt would give 0 * inf = NaN (why the ops below have their own gradients).
 * - RBF: exp(-s / 2); dk/ds = -k / 2.
 */
export function kernelAndDerivative(kernel: KernelName, s: tf.Tensor): { k: tf.Tensor; dk: tf.Tensor } {
  if (kernel === 'rbf') {
    const k = tf.exp(tf.mul(s, -0.5));
    return { k, dk: tf.mul(k, -0.5) };
  }
  const r = tf.sqrt(tf.mul(s, 5));
  const e = tf.exp(tf.neg(r));
  const k = tf.mul(tf.add(tf.add(r, 1), tf.mul(s, 5 / 3)), e);
  return { k, dk: tf.mul(tf.mul(tf.add(r, 1), e), -5 / 6) };
}

/**
 * Squared distances sum_d w_d (a_id - b_jd)^2 between the rows of a (m x D) and b (n x D), with
 * per-column weights w = 1 / lengthscale^2, as one `matMul` (|a|^2 + |b|^2 - 2 a b^T): m n D work in
 * the one op every backend makes fast. Inputs live in the unit cube and are centred on 0.5 first,
 * which shrinks the norms and so the cancellation; the result is clamped at 0 (rounding dips below).
 */
export function scaledSquaredDistances(a: tf.Tensor2D, b: tf.Tensor2D, weights: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const root = tf.sqrt(weights);
    const as = tf.mul(tf.sub(a, 0.5), root);
    const bs = tf.mul(tf.sub(b, 0.5), root);
    const an = tf.sum(tf.square(as), 1, true); // m x 1
    const bn = tf.reshape(tf.sum(tf.square(bs), 1), [1, -1]); // 1 x n
    // bs^T transposed explicitly: wasm's matMul is ~10x slower with a transpose flag.
    const cross = tf.matMul(as, tf.transpose(bs));
    return tf.relu(tf.sub(tf.add(an, bn), tf.mul(cross, 2))) as tf.Tensor2D;
  });
}

/** The covariance matrix scale * k(dist(a_i, b_j)) (m x n); forward only (scoring, tests). */
export function kernelMatrix(
  kernel: KernelName,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  weights: tf.Tensor1D,
  scale: tf.Tensor | number,
): tf.Tensor2D {
  return tf.tidy(() =>
    tf.mul(kernelAndDerivative(kernel, scaledSquaredDistances(a, b, weights)).k, scale),
  ) as tf.Tensor2D;
}

/**
 * sum_ij m_ij (a_id - b_jd)^2 for each column d, from m (p x q), a (p x D), b (q x D): the gradient
 * of sum(m * sqdist) in the weights, expanded so the O(p q D) part is one `matMul` per side.
 */
function weightedPairSums(m: tf.Tensor2D, a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  const rows = tf.reshape(tf.sum(m, 1), [1, -1]);
  const cols = tf.reshape(tf.sum(m, 0), [1, -1]);
  const squares = tf.add(tf.matMul(rows, tf.square(a)), tf.matMul(cols, tf.square(b))); // 1 x D
  const cross = tf.sum(tf.mul(a, tf.matMul(m, b)), 0, true); // 1 x D
  return tf.reshape(tf.sub(squares, tf.mul(cross, 2)), [-1]) as tf.Tensor1D;
}

/**
 * K(X, X) = scale * k(dist_w(X, X)) as a function of (weights, scale) for fixed X, with a
 * hand-written gradient: for dK, M = dK * scale * k'(s), dL/dw_d = sum_ij M_ij (x_id - x_jd)^2 and
 * dL/dscale = sum(dK * k). tfjs's generic gradients would cost ~3x the elementwise passes over the
 * n x n matrix, compute gradients for the constant X too, and use transposed `matMul`s (slow on wasm).
 */
export function trainingKernel(
  kernel: KernelName,
  x: tf.Tensor2D,
): (weights: tf.Tensor1D, scale: tf.Scalar) => tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [weights, scale, save] = args as [tf.Tensor1D, tf.Scalar, tf.GradSaveFunc];
    const { k, dk } = kernelAndDerivative(kernel, scaledSquaredDistances(x, x, weights));
    save([k, tf.mul(dk, scale)]);
    return {
      value: tf.mul(k, scale),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ks, dks] = saved as [tf.Tensor2D, tf.Tensor2D];
        const centred = tf.sub(x, 0.5) as tf.Tensor2D;
        const dWeights = weightedPairSums(tf.mul(dy, dks) as tf.Tensor2D, centred, centred);
        return [dWeights, tf.sum(tf.mul(dy, ks))];
      },
    };
  });
  return (weights, scale) => op(weights, scale) as tf.Tensor2D;
}

/** What the cross-covariance with fixed training points needs, prepared once per posterior. */
export interface PreparedKernel {
  readonly kernel: KernelName;
  /** Training points centred on 0.5 (n x D). */
  readonly centred: tf.Tensor2D;
  /** -2 * (centred * sqrt(w))^T (D x n), so the cross term is one untransposed `matMul`. */
  readonly crossFactor: tf.Tensor2D;
  /** |centred * sqrt(w)|^2 per training point (1 x n). */
  readonly norms: tf.Tensor2D;
  /** w as 1 x D, and its square root. */
  readonly weights: tf.Tensor2D;
  readonly rootWeights: tf.Tensor2D;
  readonly scale: tf.Scalar;
}

export function prepareKernel(
  kernel: KernelName,
  x: tf.Tensor2D,
  weights: ArrayLike<number>,
  scale: number,
): PreparedKernel {
  return tf.tidy(() => {
    const w = tf.tensor2d(Float32Array.from(weights), [1, weights.length]);
    const rootWeights = tf.sqrt(w) as tf.Tensor2D;
    const centred = tf.sub(x, 0.5) as tf.Tensor2D;
    const scaled = tf.mul(centred, rootWeights);
    return {
      kernel,
      centred,
      crossFactor: tf.mul(tf.transpose(scaled), -2) as tf.Tensor2D,
      norms: tf.reshape(tf.sum(tf.square(scaled), 1), [1, -1]) as tf.Tensor2D,
      weights: w,
      rootWeights,
      scale: tf.scalar(scale),
    };
  });
}

export function disposePrepared(p: PreparedKernel): void {
  for (const t of [p.centred, p.crossFactor, p.norms, p.weights, p.rootWeights, p.scale]) t.dispose();
}

/** k(P, X) (m x n) and scale * dk/ds, for points P in the unit cube. */
export function crossKernel(p: PreparedKernel, points: tf.Tensor2D): { k: tf.Tensor2D; dk: tf.Tensor2D } {
  return tf.tidy(() => {
    const scaled = tf.mul(tf.sub(points, 0.5), p.rootWeights);
    const norms = tf.sum(tf.square(scaled), 1, true);
    const s = tf.relu(tf.add(tf.add(norms, p.norms), tf.matMul(scaled, p.crossFactor)));
    const { k, dk } = kernelAndDerivative(p.kernel, s);
    return { k: tf.mul(k, p.scale) as tf.Tensor2D, dk: tf.mul(dk, p.scale) as tf.Tensor2D };
  });
}

/**
 * The gradient in the points of sum(dK * k(P, X)), given M = dK * scale * k'(s) (m x n):
 * 2 w_d (p_id sum_j M_ij - sum_j M_ij x_jd), all centred.
 */
export function crossKernelPointGradient(p: PreparedKernel, points: tf.Tensor2D, m: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const centred = tf.sub(points, 0.5);
    const rows = tf.sum(m, 1, true);
    return tf.mul(tf.sub(tf.mul(centred, rows), tf.matMul(m, p.centred)), tf.mul(p.weights, 2)) as tf.Tensor2D;
  });
}

import * as tf from '@tensorflow/tfjs';

/**
 * The two optimisers of DARTS' search, written out so that they follow PyTorch's update rules exactly
 * (tfjs's own have no coupled weight decay and no global-norm clipping, and the learning rate here
 * changes every epoch). Each keeps its slot variables and frees them in `dispose`.
 */

/** Rescales `grads` to a global L2 norm of at most `maxNorm` (PyTorch's clip_grad_norm_); 0: unchanged. */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number): tf.Tensor[] {
  if (maxNorm <= 0) return grads.map((g) => tf.clone(g));
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(tf.scalar(1), tf.div(maxNorm, tf.add(norm, 1e-6)));
    return grads.map((g) => tf.mul(g, scale));
  });
}

/** SGD with momentum and L2 weight decay: buf = μ·buf + (g + λ·w); w -= lr·buf. */
export class MomentumSgd {
  private readonly buffers: tf.Variable[];

  constructor(
    private readonly vars: readonly tf.Variable[],
    private readonly momentum: number,
    private readonly weightDecay: number,
  ) {
    // tidy frees the zeros each variable was made from (variables themselves outlive it).
    this.buffers = tf.tidy(() => vars.map((v) => tf.variable(tf.zerosLike(v), false)));
  }

  /** The decayed gradient plus the momentum term, i.e. the step `w -= lr · direction` would take. */
  direction(grads: readonly tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() =>
      this.vars.map((v, i) => {
        const g = tf.add(grads[i] as tf.Tensor, tf.mul(v, this.weightDecay));
        return tf.add(tf.mul(this.buffers[i] as tf.Variable, this.momentum), g);
      }),
    );
  }

  step(grads: readonly tf.Tensor[], learningRate: number): void {
    const directions = this.direction(grads);
    tf.tidy(() => {
      this.vars.forEach((v, i) => {
        const d = directions[i] as tf.Tensor;
        (this.buffers[i] as tf.Variable).assign(d);
        v.assign(tf.sub(v, tf.mul(d, learningRate)));
      });
    });
    tf.dispose(directions);
  }

  dispose(): void {
    tf.dispose(this.buffers);
  }
}

/** Adam with L2 weight decay added to the gradient (PyTorch's `Adam(weight_decay=...)`), eps 1e-8. */
export class AdamL2 {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly vars: readonly tf.Variable[],
    private readonly options: { learningRate: number; beta1: number; beta2: number; weightDecay: number },
  ) {
    this.m = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => vars.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  step(grads: readonly tf.Tensor[]): void {
    const { learningRate, beta1, beta2, weightDecay } = this.options;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      this.vars.forEach((x, i) => {
        const g = tf.add(grads[i] as tf.Tensor, tf.mul(x, weightDecay));
        const m = this.m[i] as tf.Variable;
        const v = this.v[i] as tf.Variable;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), 1e-8));
        x.assign(tf.sub(x, tf.mul(update, learningRate)));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

import * as tf from '@tensorflow/tfjs';

import { logH as logHScalar, logNormalCdf as logNormalCdfScalar } from './normal-tails';

/**
 * - `logEI`: log expected improvement over the incumbent (Ament et al. 2023, "Unexpected improvements
 *   to expected improvement"): the same argmax as EI, but with a useful gradient where EI underflows.
 * - `ucb`: upper confidence bound mean + sqrt(beta) * std.
 * - `pi`: log probability of improvement (log, for the same reason as logEI).
 */
export type AcquisitionName = 'logEI' | 'ucb' | 'pi';

export const ACQUISITION_NAMES: readonly AcquisitionName[] = ['logEI', 'ucb', 'pi'];

export interface AcquisitionOptions {
  readonly name: AcquisitionName;
  /** The incumbent: the best standardised value observed (everything is maximised here). */
  readonly best: number;
  /** UCB's exploration weight. Default 2. */
  readonly ucbBeta?: number;
}

/**
 * An elementwise function of a tensor computed in float64 JS (`normal-tails.ts`) with its
 * derivative as the custom gradient: one read-back and two uploads, and one node on the tape.
 */
function elementwise(fn: (z: number) => { value: number; derivative: number }): (z: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const zs = z.dataSync();
    const values = new Float32Array(zs.length);
    const derivatives = new Float32Array(zs.length);
    for (let i = 0; i < zs.length; i++) {
      const r = fn(zs[i] as number);
      values[i] = r.value;
      derivatives[i] = r.derivative;
    }
    save([tf.tensor(derivatives, z.shape)]);
    return {
      value: tf.tensor(values, z.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0] as tf.Tensor),
    };
  });
  return (z) => op(z);
}

/** log h(z), h(z) = phi(z) + z Phi(z) = E[max(0, N(0, 1) + z)]: finite however far z is in the tail. */
export const logH: (z: tf.Tensor) => tf.Tensor = elementwise(logHScalar);

/** log Phi(z), finite in the lower tail. */
export const logNormalCdf: (z: tf.Tensor) => tf.Tensor = elementwise(logNormalCdfScalar);

/**
 * The acquisition value of each point from the posterior mean and variance (standardised units,
 * maximisation); higher is better. Differentiable in both, so in the points through the posterior.
 */
export function acquisitionValue(options: AcquisitionOptions, mean: tf.Tensor1D, variance: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const std = tf.sqrt(variance);
    switch (options.name) {
      case 'ucb':
        return tf.add(mean, tf.mul(std, Math.sqrt(options.ucbBeta ?? 2))) as tf.Tensor1D;
      case 'pi':
        return logNormalCdf(tf.div(tf.sub(mean, options.best), std)) as tf.Tensor1D;
      case 'logEI':
        return tf.add(tf.log(std), logH(tf.div(tf.sub(mean, options.best), std))) as tf.Tensor1D;
    }
  });
}

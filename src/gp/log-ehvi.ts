import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { nonDominatedBoxes, type BoxDecomposition } from './box-decomposition';

/** Floor of each clamped box difference: keeps log EHVI finite (and its gradient defined) where the improvement is 0. */
const EPS = 1e-12;

/**
 * Log expected hypervolume improvement (Daulton et al. 2020, eq. 1; Optuna >= 4.4's LogEHVI) for
 * independent GPs per objective: the improvement of each of S fixed standard-normal samples
 * y_s = mean + std * z_s over the current front, summed over the boxes that tile the region the
 * front does not dominate, averaged over the samples, in log. Fixed (quasi-random) samples make it a
 * deterministic, smooth function of the point, so the same gradient search maximises it.
 *
 * Everything is maximised here, as in the rest of src/gp: `front` holds standardised objective
 * vectors (larger better), turned into losses for the box decomposition.
 */
export class LogEHVI {
  readonly boxes: BoxDecomposition;
  private readonly m: number;
  private readonly op: (mean: tf.Tensor2D, std: tf.Tensor2D) => tf.Tensor1D;

  /**
   * @param front observed standardised objective vectors (any, dominated ones included; larger better)
   * @param samples S fixed standard-normal vectors, one per sample, each of length m
   * @param reference the loss-space reference point (default {@link referencePoint}'s, as Optuna's)
   */
  constructor(
    front: readonly ArrayLike<number>[],
    private readonly samples: readonly Float64Array[],
    reference?: ArrayLike<number>,
  ) {
    const m = samples[0]?.length ?? 0;
    if (m < 2 || samples.some((s) => s.length !== m)) {
      throw new InvalidArgumentError(
        'LogEHVI samples',
        samples.length,
        'a non-empty list of vectors of one length >= 2',
      );
    }
    this.m = m;
    const losses = front.map((y) => Float64Array.from(y, (v) => -v));
    const ref = reference === undefined ? referencePoint(losses, m) : Float64Array.from(reference);
    this.boxes = nonDominatedBoxes(losses, ref);
    this.op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [mean, std, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
      const n = mean.shape[0];
      const out = this.evaluate(mean.dataSync(), std.dataSync(), n);
      save([tf.tensor2d(out.dMean, [n, m]), tf.tensor2d(out.dStd, [n, m])]);
      return {
        value: tf.tensor1d(out.value),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const column = tf.reshape(dy, [-1, 1]);
          return [tf.mul(column, saved[0] as tf.Tensor), tf.mul(column, saved[1] as tf.Tensor)];
        },
      };
    }) as (mean: tf.Tensor2D, std: tf.Tensor2D) => tf.Tensor1D;
  }

  /** log EHVI of each row, from n x m posterior means and standard deviations; differentiable in both. */
  value(mean: tf.Tensor2D, std: tf.Tensor2D): tf.Tensor1D {
    return this.op(mean, std);
  }

  /**
   * Value and derivatives in float64 for n points (row-major n x m inputs). Per sample and box, the
   * improvement is prod_j max(EPS, u_j - max(l_j, loss_j)), loss = -(mean + std z); a factor on its
   * floor, or whose lower bound binds, has no derivative.
   */
  evaluate(
    mean: ArrayLike<number>,
    std: ArrayLike<number>,
    n: number,
  ): { value: Float32Array; dMean: Float32Array; dStd: Float32Array } {
    const { m, samples } = this;
    const { lower, upper } = this.boxes;
    const value = new Float32Array(n);
    const dMean = new Float32Array(n * m);
    const dStd = new Float32Array(n * m);
    const loss = new Float64Array(m);
    const factor = new Float64Array(m);
    const active = new Uint8Array(m);
    const gMean = new Float64Array(m);
    const gStd = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      let total = 0;
      gMean.fill(0);
      gStd.fill(0);
      for (const z of samples) {
        for (let j = 0; j < m; j++)
          loss[j] = -((mean[i * m + j] as number) + (std[i * m + j] as number) * (z[j] as number));
        for (let b = 0; b < lower.length; b++) {
          const lo = lower[b] as Float64Array;
          const hi = upper[b] as Float64Array;
          let product = 1;
          for (let j = 0; j < m; j++) {
            const l = loss[j] as number;
            const binds = l > (lo[j] as number);
            const f = (hi[j] as number) - (binds ? l : (lo[j] as number));
            factor[j] = f > EPS ? f : EPS;
            active[j] = f > EPS && binds ? 1 : 0;
            product *= factor[j] as number;
          }
          total += product;
          // d product / d loss_j = -product / factor_j; d loss_j / d mean_j = -1, / d std_j = -z_j.
          for (let j = 0; j < m; j++) {
            if (active[j] === 0) continue;
            const g = product / (factor[j] as number);
            gMean[j] = (gMean[j] as number) + g;
            gStd[j] = (gStd[j] as number) + g * (z[j] as number);
          }
        }
      }
      value[i] = Math.log(total / samples.length);
      for (let j = 0; j < m; j++) {
        dMean[i * m + j] = (gMean[j] as number) / total;
        dStd[i * m + j] = (gStd[j] as number) / total;
      }
    }
    return { value, dMean, dStd };
  }
}

/**
 * Optuna's reference point (`_get_reference_point` in optuna/_gp/acqf.py): each objective's worst
 * loss w (standardised, so about 1 to 2), moved away by 10 % of |w| — 1.1 w when positive, 0.9 w
 * when negative — and, where w is 0, by a hair, so every observed point lies strictly inside.
 */
export function referencePoint(losses: readonly Float64Array[], m: number): Float64Array {
  const ref = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let worst = -Infinity;
    for (const l of losses) worst = Math.max(worst, l[j] as number);
    if (!Number.isFinite(worst)) worst = 0;
    ref[j] = Math.max(1.1 * worst, 0.9 * worst, worst + 1e-9);
  }
  return ref;
}

import * as tf from '@tensorflow/tfjs';

import type { Dataset } from '../../../datasets/types';
import { toTensors } from '../../../datasets/to-tensors';
import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { disposeModel } from '../dispose-model';
import { ensembleGraph } from './ensemble-graph';
import { scorePredictions, type EnsembleMetric, type EnsembleScore } from './greedy-selection';

/** One model of an ensemble and its weight. */
export interface EnsembleMember {
  /** The study trial the model comes from. */
  readonly trial: number;
  readonly weight: number;
  readonly model: tf.LayersModel;
  /** The checkpoint folder it was loaded from (copied as is when the ensemble is saved), if any. */
  readonly checkpoint: string | null;
}

/** How the ensemble was chosen and how it scored on the validation rows it was chosen on. */
export interface EnsembleInfo {
  /** What the selection optimised. */
  readonly metric: EnsembleMetric;
  /** Classes of the output (>= 2), or 0 for regression. */
  readonly numClasses: number;
  /** Iterations of greedy selection asked for, and kept (the best-scoring prefix). */
  readonly size: number;
  readonly iterations: number;
  /** The trials that were candidates (the top-k), best first. */
  readonly candidates: readonly number[];
  /** The ensemble's validation score, and the best single candidate's. */
  readonly validation: EnsembleScore;
  readonly bestSingle: { readonly trial: number; readonly score: EnsembleScore };
}

/**
 * A weighted ensemble of trained models that is used like one model: `predict` returns the
 * weighted average of the members' outputs (class probabilities, or regression values),
 * `evaluate` returns what a compiled zoo model's does (`[loss, acc]` for classification with
 * one-hot labels, the MSE scalar for regression), `score` the plain numbers for a dataset.
 * `dispose` frees every member.
 */
export class EnsembleModel {
  readonly members: readonly EnsembleMember[];
  readonly info: EnsembleInfo;
  private disposed = false;

  constructor(members: readonly EnsembleMember[], info: EnsembleInfo) {
    if (members.length === 0) throw new InvalidArgumentError('ensemble members', 0, 'at least one model');
    const total = members.reduce((s, m) => s + m.weight, 0);
    if (members.some((m) => !(m.weight > 0)) || Math.abs(total - 1) > 1e-6)
      throw new InvalidArgumentError(
        'ensemble weights',
        members.map((m) => m.weight),
        'positive weights that sum to 1',
      );
    this.members = members;
    this.info = info;
  }

  private checkLive(): void {
    if (this.disposed) throw new TfjsTuneError('this ensemble was disposed');
  }

  /** The weighted average of the members' predictions; the caller disposes it. */
  predict(x: tf.Tensor, args: { readonly batchSize?: number } = {}): tf.Tensor {
    this.checkLive();
    return tf.tidy(() => {
      let sum: tf.Tensor | null = null;
      for (const member of this.members) {
        const out = member.model.predict(x, args.batchSize === undefined ? {} : { batchSize: args.batchSize });
        if (Array.isArray(out)) throw new TfjsTuneError(`ensemble member trial ${member.trial} has several outputs`);
        const weighted = tf.mul(out, member.weight);
        sum = sum === null ? weighted : tf.add(sum, weighted);
      }
      return sum as tf.Tensor;
    });
  }

  /**
   * As `LayersModel.evaluate` of a zoo model: `[categorical cross-entropy, accuracy]` for one-hot
   * `y`, or the mean squared error for regression. The caller disposes the scalars.
   */
  evaluate(x: tf.Tensor, y: tf.Tensor, args: { readonly batchSize?: number } = {}): tf.Scalar | tf.Scalar[] {
    return tf.tidy(() => {
      const p = this.predict(x, args);
      if (this.info.numClasses === 0)
        return tf.losses.meanSquaredError(tf.reshape(y, [-1]), tf.reshape(p, [-1])) as tf.Scalar;
      const clipped = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(clipped)), -1))) as tf.Scalar;
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32')) as tf.Scalar;
      return [loss, acc];
    });
  }

  /** Accuracy (classification) and loss (cross-entropy or MSE) on a dataset. */
  score(data: Dataset, args: { readonly batchSize?: number } = {}): EnsembleScore {
    this.checkLive();
    if (data.numClasses !== this.info.numClasses)
      throw new InvalidArgumentError('data.numClasses', data.numClasses, `${this.info.numClasses} (the ensemble's)`);
    const { xs, ys } = toTensors(data);
    try {
      const p = this.predict(xs, args);
      try {
        const values = p.dataSync() as Float32Array;
        return scorePredictions(values, {
          y: data.numClasses === 0 ? (data.yReal as Float32Array) : data.y,
          numClasses: data.numClasses,
        });
      } finally {
        p.dispose();
      }
    } finally {
      xs.dispose();
      ys.dispose();
    }
  }

  /**
   * The ensemble as one `tf.LayersModel` (members renamed into one graph, each output scaled by its
   * weight, then added): what `predict` computes, as a model that saves and loads as one. The caller
   * disposes it; this ensemble is left as it is.
   */
  async toLayersModel(): Promise<tf.LayersModel> {
    this.checkLive();
    return ensembleGraph(this.members);
  }

  /** Frees every member's weights (and optimiser). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const member of this.members) disposeModel(member.model);
  }
}

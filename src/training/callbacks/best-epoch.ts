import * as tf from '@tensorflow/tfjs';

import type { StudyDirection } from '../../trial/state';
import { monitorValue, resolveLogs, type UnresolvedLogs } from './logs';

/**
 * Keeps a copy of the weights at the epoch where the objective was best, so a trial's score and its
 * checkpoint describe the same model (KerasTuner checkpoints the best epoch too). Call
 * {@link BestEpoch.restore} after fit and {@link BestEpoch.dispose} when done.
 */
export class BestEpoch extends tf.Callback {
  best: number | null = null;
  bestEpoch: number | null = null;
  private weights: tf.Tensor[] | null = null;

  constructor(
    private readonly monitor: string,
    private readonly direction: StudyDirection,
  ) {
    super();
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const value = monitorValue(await resolveLogs(logs), this.monitor, 'tuner objective');
    if (Number.isNaN(value)) return;
    const better = this.best === null || (this.direction === 'maximize' ? value > this.best : value < this.best);
    if (!better) return;
    this.best = value;
    this.bestEpoch = epoch;
    tf.dispose(this.weights ?? []);
    this.weights = this.model.getWeights().map((w) => tf.clone(w));
  }

  /** Puts the best epoch's weights back into the model. */
  restore(model: tf.LayersModel): void {
    if (this.weights !== null) model.setWeights(this.weights);
  }

  dispose(): void {
    tf.dispose(this.weights ?? []);
    this.weights = null;
  }
}

import * as tf from '@tensorflow/tfjs';

import type { StudyDirection } from '../../trial/state';
import { monitorValue, resolveLogs, type UnresolvedLogs } from './logs';

/**
 * The loss that breaks ties of an accuracy-like monitor (`val_acc` → `val_loss`, `acc` → `loss`):
 * on a small validation part many epochs, and many trials, reach the same accuracy, and the first of
 * them is not the better model; the lower loss (a proper score) is. Null for other monitors.
 */
export function tieBreakFor(monitor: string): string | null {
  if (!/(acc|accuracy)$/.test(monitor)) return null;
  return monitor.startsWith('val_') ? 'val_loss' : 'loss';
}

/**
 * Keeps a copy of the weights at the epoch where the objective was best, so a trial's score and its
 * checkpoint describe the same model (KerasTuner checkpoints the best epoch too). Equal values are
 * told apart by `tieBreak` (a loss, lower is better) when given. Call {@link BestEpoch.restore} after
 * fit and {@link BestEpoch.dispose} when done.
 */
export class BestEpoch extends tf.Callback {
  best: number | null = null;
  bestEpoch: number | null = null;
  /** Every metric of the best epoch's logs (what a trial stores as `best_epoch_logs`). */
  bestLogs: Record<string, number> | null = null;
  private weights: tf.Tensor[] | null = null;

  constructor(
    private readonly monitor: string,
    private readonly direction: StudyDirection,
    private readonly tieBreak: string | null = null,
  ) {
    super();
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const resolved = await resolveLogs(logs);
    const value = monitorValue(resolved, this.monitor, 'tuner objective');
    if (Number.isNaN(value)) return;
    const better =
      this.best === null ||
      (this.direction === 'maximize' ? value > this.best : value < this.best) ||
      (value === this.best && this.lowerTieBreak(resolved));
    if (!better) return;
    this.best = value;
    this.bestEpoch = epoch;
    this.bestLogs = resolved;
    tf.dispose(this.weights ?? []);
    this.weights = this.model.getWeights().map((w) => tf.clone(w));
  }

  private lowerTieBreak(logs: Record<string, number>): boolean {
    if (this.tieBreak === null) return false;
    const now = logs[this.tieBreak];
    const then = this.bestLogs?.[this.tieBreak];
    return now !== undefined && Number.isFinite(now) && (then === undefined || !Number.isFinite(then) || now < then);
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

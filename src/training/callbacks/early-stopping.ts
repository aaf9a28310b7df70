import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../../errors';
import { monitorValue, resolveLogs, type UnresolvedLogs } from './logs';

export type MonitorMode = 'auto' | 'min' | 'max';
const MODES: readonly MonitorMode[] = ['auto', 'min', 'max'];

export interface EarlyStoppingArgs {
  /** The log to watch. Default 'val_loss'. */
  readonly monitor?: string;
  /** 'min', 'max', or 'auto' (max when the name contains 'acc' / 'accuracy', else min). Default 'auto'. */
  readonly mode?: MonitorMode;
  /** Epochs without improvement before stopping. Default 0. */
  readonly patience?: number;
  /** A change smaller than this (absolute) is no improvement. Default 0. */
  readonly minDelta?: number;
  /** Epochs that do not beat this value count against patience, even when they improve. Default none. */
  readonly baseline?: number;
  /** Keep a copy of the best epoch's weights and put them back when training ends. Default false. */
  readonly restoreBestWeights?: boolean;
}

/** Resolves 'auto' as Keras does. */
export function resolveMode(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc/.test(monitor) ? 'max' : 'min';
}

/**
 * Stops training by setting `model.stopTraining = true` once `patience` epochs in a row brought no
 * improvement of `monitor` by more than `minDelta` (or did not beat `baseline`), as Keras and
 * tfjs-layers do. `bestEpoch` / `bestValue` track the best epoch seen, baseline or not. With `restoreBestWeights` it keeps cloned tensors of the
 * best epoch's weights (the first epoch's until something improves) and restores them when training
 * ends, whether it stopped early or ran all epochs; the copies are disposed then (or by
 * {@link EarlyStopping.dispose} if `fit` threw). A monitor missing from the logs is an error.
 *
 * @example
 * ```ts
 * const stop = tune.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [stop] });
 * console.log(stop.stoppedEpoch, stop.bestEpoch);
 * ```
 */
export class EarlyStopping extends tf.Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  /** The epoch at which this callback stopped training, or null if it did not. */
  stoppedEpoch: number | null = null;
  /** The epoch with the best monitored value so far, or null before the first epoch. */
  bestEpoch: number | null = null;
  /** The best monitored value so far. */
  bestValue: number | null = null;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    if (typeof this.monitor !== 'string' || this.monitor.length === 0) {
      throw new InvalidArgumentError('earlyStopping.monitor', args.monitor, 'a non-empty log name');
    }
    const mode = args.mode ?? 'auto';
    if (!MODES.includes(mode)) throw new InvalidArgumentError('earlyStopping.mode', mode, "'auto' | 'min' | 'max'");
    this.mode = resolveMode(this.monitor, mode);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new InvalidArgumentError('earlyStopping.patience', args.patience, 'an integer >= 0');
    }
    const minDelta = args.minDelta ?? 0;
    if (!Number.isFinite(minDelta))
      throw new InvalidArgumentError('earlyStopping.minDelta', minDelta, 'a finite number');
    this.minDelta = Math.abs(minDelta);
    if (args.baseline !== undefined && !Number.isFinite(args.baseline)) {
      throw new InvalidArgumentError('earlyStopping.baseline', args.baseline, 'a finite number');
    }
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
  }

  override async onTrainBegin(): Promise<void> {
    this.dispose();
    this.wait = 0;
    this.stoppedEpoch = null;
    this.bestEpoch = null;
    this.bestValue = null;
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    let current: number;
    try {
      current = monitorValue(await resolveLogs(logs), this.monitor, 'earlyStopping');
    } catch (e) {
      this.dispose();
      throw e;
    }
    // Keras 3: with nothing better to restore, the first epoch's weights are restored.
    if (this.restoreBestWeights && this.bestWeights === null) this.keepWeights();
    const improved = this.isImprovement(current, this.bestValue);
    if (improved) {
      this.bestValue = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.keepWeights();
    }
    // Patience restarts only on an improvement that also beats the baseline.
    if (improved && (this.baseline === null || this.isImprovement(current, this.baseline))) {
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.restoreBestWeights && this.bestWeights !== null) this.model.setWeights(this.bestWeights);
    this.dispose();
  }

  /** Frees the kept copy of the best weights (done at train end; call it yourself if `fit` threw). */
  dispose(): void {
    if (this.bestWeights !== null) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }

  private isImprovement(value: number, reference: number | null): boolean {
    if (Number.isNaN(value)) return false;
    if (reference === null) return true;
    return this.mode === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  private keepWeights(): void {
    const copies = this.model.getWeights().map((w) => w.clone());
    this.dispose();
    this.bestWeights = copies;
  }
}

/** Factory for {@link EarlyStopping}. */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}

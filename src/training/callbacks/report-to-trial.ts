import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TrialPruned } from '../../errors';
import { monitorValue, resolveLogs, type UnresolvedLogs } from './logs';

/** The part of a trial this callback needs: `Trial` fits, and so does any tuner's adapter. */
export interface TrialReporter {
  report(value: number | readonly number[], step: number): void;
  shouldPrune(): boolean;
}

export interface ReportToTrialArgs {
  /**
   * The log reported each epoch. Default 'val_loss'. A list (a multi-objective study, one name per
   * objective) reports a vector: each name's log, or its value in `fixed`.
   */
  readonly monitor?: string | readonly string[];
  /** Values that do not change between epochs (a model's `params`), reported as part of the vector. */
  readonly fixed?: Readonly<Record<string, number>>;
  /** Added to the epoch to make the step (for fits resumed with `initialEpoch`, or chained fits). Default 0. */
  readonly stepOffset?: number;
}

/**
 * Reports `logs[monitor]` to a trial after every epoch as `trial.report(value, epoch + stepOffset)`,
 * then asks `trial.shouldPrune()`; when the pruner says so it sets `model.stopTraining = true` and
 * remembers it. After `fit`, call {@link ReportToTrial.throwIfPruned} so the study records the trial
 * PRUNED.
 *
 * @example
 * ```ts
 * await study.optimize(async (trial) => {
 *   const model = buildModel(trial);
 *   const report = tune.callbacks.reportToTrial(trial, { monitor: 'val_loss' });
 *   const h = await model.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [report] });
 *   report.throwIfPruned();
 *   return h.history.val_loss!.at(-1) as number;
 * });
 * ```
 */
export class ReportToTrial extends tf.Callback {
  readonly monitor: string | readonly string[];
  readonly fixed: Readonly<Record<string, number>>;
  readonly stepOffset: number;
  /** True once the pruner asked to stop. */
  pruned = false;
  /** The epoch after which training was stopped by the pruner, or null. */
  prunedEpoch: number | null = null;
  /** The last value reported (of a vector, its first component: the scalar projection), or null. */
  lastValue: number | null = null;
  /** The last vector reported when `monitor` is a list, or null. */
  lastValues: readonly number[] | null = null;

  constructor(
    private readonly trial: TrialReporter,
    args: ReportToTrialArgs = {},
  ) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    const names = typeof this.monitor === 'string' ? [this.monitor] : this.monitor;
    if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || n.length === 0)) {
      throw new InvalidArgumentError('reportToTrial.monitor', args.monitor, 'a non-empty log name, or a list of them');
    }
    this.fixed = args.fixed ?? {};
    this.stepOffset = args.stepOffset ?? 0;
    if (!Number.isInteger(this.stepOffset) || this.stepOffset < 0) {
      throw new InvalidArgumentError('reportToTrial.stepOffset', args.stepOffset, 'an integer >= 0');
    }
    if (typeof trial?.report !== 'function' || typeof trial.shouldPrune !== 'function') {
      throw new InvalidArgumentError('reportToTrial(trial)', typeof trial, 'an object with report() and shouldPrune()');
    }
  }

  override async onTrainBegin(): Promise<void> {
    this.pruned = false;
    this.prunedEpoch = null;
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const resolved = await resolveLogs(logs);
    const read = (name: string): number => this.fixed[name] ?? monitorValue(resolved, name, 'reportToTrial');
    const value = typeof this.monitor === 'string' ? read(this.monitor) : this.monitor.map(read);
    this.lastValue = typeof value === 'number' ? value : (value[0] as number);
    this.lastValues = typeof value === 'number' ? null : value;
    this.trial.report(value, epoch + this.stepOffset);
    if (this.trial.shouldPrune()) {
      this.pruned = true;
      this.prunedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  /** Throws {@link TrialPruned} if the pruner stopped training; a no-op otherwise. */
  throwIfPruned(): void {
    if (!this.pruned || this.prunedEpoch === null) return;
    const step = this.prunedEpoch + this.stepOffset;
    throw new TrialPruned(
      `trial pruned at epoch ${this.prunedEpoch} (step ${step}) with ${String(this.monitor)} = ${String(this.lastValues ?? this.lastValue)}`,
    );
  }
}

/** Factory for {@link ReportToTrial}. */
export function reportToTrial(trial: TrialReporter, args: ReportToTrialArgs = {}): ReportToTrial {
  return new ReportToTrial(trial, args);
}

import { threadId } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs';

import { EPOCH_LOG_KEY, RUN_INFO_KEY } from '../../trial/epoch-log';
import type { JsonValue } from '../../trial/json';
import { resolveLogs, scheduledKeysOf, type UnresolvedLogs } from './logs';

/** The part of a trial this callback needs (`Trial` has it). */
export interface TrialRecorder {
  setSystemAttr(key: string, value: JsonValue): void;
}

/** Which thread of which process trains: "pid 123" on the main thread, "pid 123 thread 2" in a worker. */
export function workerName(): string {
  return threadId === 0 ? `pid ${process.pid}` : `pid ${process.pid} thread ${threadId}`;
}

/**
 * Tracking in the W&B manner: after every epoch, every metric `fit` computed (train and validation
 * loss and accuracy, whatever the model compiles) and the epoch's wall time go into the trial's
 * `epoch_log` system attribute, rewritten whole each epoch so a reader (the report, the
 * dashboard) sees the run as it goes. `run_info` holds the backend, the worker and the peak tensor
 * memory seen at batch ends, and which logged keys came from schedules (`lr` from
 * `learningRateSchedule`, a `parameterSchedule`'s `logKey`), so readers can show them as schedules.
 * Put it after the callbacks whose logs it should see (schedules write theirs at epoch end, as
 * Keras's History comes last). Non-finite metrics are stored as null (JSON has no NaN).
 */
export class EpochLog extends tf.Callback {
  private readonly entries: Record<string, JsonValue>[] = [];
  private epochStart = 0;
  private peakBytes = 0;
  /** Log keys a schedule wrote (learning rate, parameter schedules): hyperparameters, not metrics. */
  private readonly scheduled = new Set<string>();

  constructor(private readonly trial: TrialRecorder) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    this.peakBytes = Math.max(this.peakBytes, tf.memory().numBytes);
  }

  override async onEpochBegin(): Promise<void> {
    this.epochStart = performance.now();
  }

  override async onBatchEnd(): Promise<void> {
    this.peakBytes = Math.max(this.peakBytes, tf.memory().numBytes);
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const seconds = (performance.now() - this.epochStart) / 1000;
    const metrics = await resolveLogs(logs);
    const entry: Record<string, JsonValue> = { epoch, seconds: Number(seconds.toFixed(4)) };
    for (const k of Object.keys(metrics).sort()) {
      const v = metrics[k] as number;
      entry[k] = Number.isFinite(v) ? v : null;
    }
    this.entries.push(entry);
    for (const k of scheduledKeysOf(logs)) this.scheduled.add(k);
    this.trial.setSystemAttr(EPOCH_LOG_KEY, this.entries.slice());
    this.trial.setSystemAttr(RUN_INFO_KEY, {
      backend: (tf.getBackend() as string | undefined) ?? null,
      worker: workerName(),
      peakTensorBytes: this.peakBytes,
      scheduled: [...this.scheduled].sort(),
    });
  }
}

export { EPOCH_LOG_KEY, RUN_INFO_KEY };

/** Factory for {@link EpochLog}. */
export function epochLog(trial: TrialRecorder): EpochLog {
  return new EpochLog(trial);
}

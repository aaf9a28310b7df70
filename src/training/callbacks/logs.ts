import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';

/** Epoch logs as tfjs hands them to callbacks: numbers, or scalars not yet read. */
export type UnresolvedLogs = Record<string, number | tf.Scalar>;

/**
 * Reads every scalar in `logs` into a plain number in place (disposing the scalar, as tfjs-layers'
 * own `resolveScalarsInLogs` does), so the callbacks after this one see numbers too.
 */
export async function resolveLogs(logs: UnresolvedLogs | undefined): Promise<Record<string, number>> {
  if (logs === undefined) return {};
  const keys = Object.keys(logs).filter((k) => typeof logs[k] !== 'number');
  if (keys.length > 0) {
    const scalars = keys.map((k) => logs[k] as tf.Scalar);
    const values = await Promise.all(scalars.map((s) => s.data()));
    keys.forEach((k, i) => {
      logs[k] = (values[i] as ArrayLike<number>)[0] as number;
    });
    tf.dispose(scalars);
  }
  return logs as Record<string, number>;
}

/** `logs[monitor]`, or an error that names the monitor, the caller and the keys that are there. */
export function monitorValue(logs: Record<string, number>, monitor: string, who: string): number {
  const value = logs[monitor];
  if (typeof value !== 'number') {
    const keys = Object.keys(logs).sort();
    const hint = monitor.startsWith('val_') ? ' (val_* metrics need validationData or validationSplit in fit)' : '';
    throw new TfjsTuneError(
      `${who}: monitor "${monitor}" is not in the epoch logs; available: ${keys.length > 0 ? keys.join(', ') : '(none)'}${hint}`,
    );
  }
  return value;
}

/**
 * Keys a schedule wrote into an epoch's logs, per logs object (tfjs hands every callback of a fit
 * the same one). Kept apart from the values so the epoch log can tell a scheduled hyperparameter
 * (`lr`, a dropout rate) from a metric `fit` computed.
 */
const scheduledKeys = new WeakMap<object, Set<string>>();

/** Writes `value` under `key` and marks the key as a schedule's. */
export function logScheduled(logs: UnresolvedLogs, key: string, value: number): void {
  logs[key] = value;
  const keys = scheduledKeys.get(logs) ?? new Set<string>();
  keys.add(key);
  scheduledKeys.set(logs, keys);
}

/** The keys schedules marked in these logs, sorted. */
export function scheduledKeysOf(logs: UnresolvedLogs | undefined): string[] {
  return logs === undefined ? [] : [...(scheduledKeys.get(logs) ?? [])].sort();
}

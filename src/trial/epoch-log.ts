import type { FrozenTrial } from './frozen-trial';
import type { JsonValue } from './json';

/**
 * Trial system attribute written by the `EpochLog` fit callback: one entry per epoch,
 * `{ epoch, seconds, <every log fit computed> }` (null where a metric was not finite).
 */
export const EPOCH_LOG_KEY = 'epoch_log';
/**
 * Trial system attribute: `{ backend, worker, peakTensorBytes, scheduled }` of the run that trained
 * the trial (`scheduled`: the epoch-log keys that are scheduled hyperparameters, such as `lr`).
 */
export const RUN_INFO_KEY = 'run_info';

export interface EpochEntry {
  readonly epoch: number;
  /** Metric name -> value (null: not finite); includes `seconds`, the epoch's wall time. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

export interface RunInfo {
  readonly backend: string | null;
  readonly worker: string | null;
  readonly peakTensorBytes: number | null;
  /** Epoch-log keys written by schedules (hyperparameters per epoch), not metrics; [] when none. */
  readonly scheduled: readonly string[];
}

/** The trial's epoch log, epochs ascending; empty when the trial has none (or a malformed one). */
export function epochLogOf(trial: FrozenTrial): EpochEntry[] {
  const raw = trial.systemAttrs[EPOCH_LOG_KEY];
  if (!Array.isArray(raw)) return [];
  const out: EpochEntry[] = [];
  for (const e of raw) {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) continue;
    const rec = e as Record<string, JsonValue>;
    const epoch = rec['epoch'];
    if (!Number.isInteger(epoch)) continue;
    const metrics: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(rec))
      if (k !== 'epoch' && (typeof v === 'number' || v === null)) metrics[k] = v;
    out.push({ epoch: epoch as number, metrics });
  }
  return out.sort((a, b) => a.epoch - b.epoch);
}

/** The trial's run info, or null when it has none. */
export function runInfoOf(trial: FrozenTrial): RunInfo | null {
  const raw = trial.systemAttrs[RUN_INFO_KEY];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, JsonValue>;
  const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);
  const peak = r['peakTensorBytes'];
  const scheduled = r['scheduled'];
  return {
    backend: str(r['backend']),
    worker: str(r['worker']),
    peakTensorBytes: typeof peak === 'number' ? peak : null,
    scheduled: Array.isArray(scheduled) ? scheduled.filter((k): k is string => typeof k === 'string') : [],
  };
}

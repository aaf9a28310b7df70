import { epochLogOf } from '../../trial/epoch-log';
import type { TrialState } from '../../trial/state';
import type { StudySnapshot } from '../snapshot';
import { scheduledKeys } from './epoch-schedules';

export interface EpochSeries {
  readonly number: number;
  readonly state: TrialState;
  /** Epochs ascending, finite values only. */
  readonly points: readonly { readonly epoch: number; readonly value: number }[];
}

export interface EpochMetricsData {
  /** Metric names, sorted, `seconds` (the epoch's wall time) last. */
  readonly metrics: readonly string[];
  /** Per metric, one series per trial that logged it, in trial order. */
  readonly series: Readonly<Record<string, readonly EpochSeries[]>>;
}

/**
 * Per-epoch tracking (the `epoch_log` system attribute the fit callback writes): for each metric
 * fit computed — train and validation loss and accuracy, and the epoch's wall time — one curve
 * per trial. Trials without a log are left out, and so are the keys schedules logged (the
 * schedules panel draws those).
 */
export function epochMetricsData(study: StudySnapshot): EpochMetricsData {
  const series: Record<string, EpochSeries[]> = {};
  for (const t of [...study.trials].sort((a, b) => a.number - b.number)) {
    const byMetric = new Map<string, { epoch: number; value: number }[]>();
    const scheduled = new Set(scheduledKeys(t));
    for (const e of epochLogOf(t)) {
      for (const [k, v] of Object.entries(e.metrics)) {
        if (v === null || !Number.isFinite(v) || scheduled.has(k)) continue;
        const list = byMetric.get(k) ?? [];
        list.push({ epoch: e.epoch, value: v });
        byMetric.set(k, list);
      }
    }
    for (const [k, points] of byMetric) (series[k] ??= []).push({ number: t.number, state: t.state, points });
  }
  const metrics = Object.keys(series).sort((a, b) =>
    a === 'seconds' ? 1 : b === 'seconds' ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return { metrics, series };
}

import { epochLogOf, runInfoOf } from '../../trial/epoch-log';
import type { StudySnapshot } from '../snapshot';
import type { EpochSeries } from './epoch-metrics';

export interface EpochSchedulesData {
  /** The scheduled hyperparameters (`lr`, a parameter schedule's log key), sorted. */
  readonly params: readonly string[];
  /** Per parameter, one series per trial that logged it, in trial order: the value used each epoch. */
  readonly series: Readonly<Record<string, readonly EpochSeries[]>>;
}

/** The keys of a trial's epoch log that schedules wrote (its `run_info.scheduled`). */
export function scheduledKeys(trial: StudySnapshot['trials'][number]): readonly string[] {
  return runInfoOf(trial)?.scheduled ?? [];
}

/**
 * Learning-rate and parameter schedules of trials that are not PBT members: the value each epoch
 * used, as `learningRateSchedule` and `parameterSchedule` logged it (PBT's schedules come from its
 * lineage instead). A trial's series only for the keys its run marked as scheduled, so a metric is
 * never drawn as a schedule.
 */
export function epochSchedulesData(study: StudySnapshot): EpochSchedulesData {
  const series: Record<string, EpochSeries[]> = {};
  for (const t of [...study.trials].sort((a, b) => a.number - b.number)) {
    const keys = scheduledKeys(t);
    if (keys.length === 0) continue;
    const log = epochLogOf(t);
    for (const k of keys) {
      const points = log.flatMap((e) => {
        const v = e.metrics[k];
        return typeof v === 'number' && Number.isFinite(v) ? [{ epoch: e.epoch, value: v }] : [];
      });
      if (points.length > 0) (series[k] ??= []).push({ number: t.number, state: t.state, points });
    }
  }
  return { params: Object.keys(series).sort(), series };
}

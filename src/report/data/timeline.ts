import { OWNER_KEY } from '../../storage/base';
import type { TrialState } from '../../trial/state';
import type { StudySnapshot } from '../snapshot';

export interface TimelineBar {
  readonly number: number;
  readonly state: TrialState;
  /** The owner tag the trial was created with (one per worker of `tfjs-tune run`), else "main". */
  readonly worker: string;
  /** Milliseconds since the study's first trial started. */
  readonly start: number;
  /** The completion time; for an unfinished trial, the latest time seen in the study. */
  readonly end: number;
  readonly finished: boolean;
}

export interface TimelineData {
  /** Epoch milliseconds that `start` and `end` count from; null when no trial has started. */
  readonly origin: number | null;
  /** Workers in the order of their first trial. */
  readonly workers: readonly string[];
  readonly bars: readonly TimelineBar[];
}

/**
 * The trial timeline (Optuna's `_get_timeline_info`), one lane per worker: when each trial ran and
 * how it ended. WAITING trials (not started) are left out; a running one ends at the latest time
 * any trial of the study reached, so a snapshot never needs the clock.
 */
export function timelineData(study: StudySnapshot): TimelineData {
  const started = study.trials
    .filter((t) => t.datetimeStart !== null)
    .sort((a, b) => (a.datetimeStart as Date).getTime() - (b.datetimeStart as Date).getTime() || a.number - b.number);
  if (started.length === 0) return { origin: null, workers: [], bars: [] };
  const origin = (started[0]?.datetimeStart as Date).getTime();
  let latest = origin;
  for (const t of started) {
    latest = Math.max(latest, (t.datetimeStart as Date).getTime(), t.datetimeComplete?.getTime() ?? -Infinity);
  }
  const workers: string[] = [];
  const bars = started.map((t): TimelineBar => {
    const owner = t.systemAttrs[OWNER_KEY];
    const worker = typeof owner === 'string' ? owner : 'main';
    if (!workers.includes(worker)) workers.push(worker);
    const start = (t.datetimeStart as Date).getTime() - origin;
    const end = (t.datetimeComplete?.getTime() ?? latest) - origin;
    return {
      number: t.number,
      state: t.state,
      worker,
      start,
      end: Math.max(start, end),
      finished: t.datetimeComplete !== null,
    };
  });
  return { origin, workers, bars };
}

import type { FrozenTrial } from './frozen-trial';
import type { JsonValue } from './json';
import type { StudyDirection } from './state';

/**
 * Where a trial sits in the Hyperband schedule, kept as its system attribute `hyperband` (never in
 * its params — KerasTuner's wart), so any process can rebuild the state of a search from storage.
 */
export interface HyperbandSlot {
  readonly iteration: number;
  /** The bracket's s (s + 1 rounds; the largest s is the most aggressive bracket). */
  readonly bracket: number;
  readonly round: number;
  /** The epoch training starts from: 0 for a new configuration, the parent's epochs for a promoted one. */
  readonly initialEpoch: number;
  /** The epoch count reached at the end of the round (the trial's budget). */
  readonly epochs: number;
  /** The trial of the previous round whose checkpoint this one continues; null for a new configuration. */
  readonly parent: number | null;
}

/** Trial system attribute holding the {@link HyperbandSlot}; study system attribute holding the schedule. */
export const HYPERBAND_KEY = 'hyperband';

/** The slot of a trial, or null for a trial the loop did not create. */
export function slotOf(trial: FrozenTrial): HyperbandSlot | null {
  const raw = trial.systemAttrs[HYPERBAND_KEY];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, JsonValue>;
  const ints = ['iteration', 'bracket', 'round', 'initialEpoch', 'epochs'] as const;
  if (!ints.every((k) => Number.isInteger(r[k]))) return null;
  const parent = r['parent'];
  return {
    iteration: r['iteration'] as number,
    bracket: r['bracket'] as number,
    round: r['round'] as number,
    initialEpoch: r['initialEpoch'] as number,
    epochs: r['epochs'] as number,
    parent: typeof parent === 'number' ? parent : null,
  };
}

/**
 * COMPLETE trials best first (by the first value when there are several). Equal values are ordered by `tieBreak`, a metric of the trial's best
 * epoch (user attr `best_epoch_logs`, lower first; trials without it after those with it), then by
 * lower number.
 */
export function rankTrials(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
  tieBreak: string | null = null,
): FrozenTrial[] {
  const sign = direction === 'maximize' ? -1 : 1;
  const tie = (t: FrozenTrial): number => {
    if (tieBreak === null) return 0;
    const logs = t.userAttrs['best_epoch_logs'];
    const v = logs !== null && typeof logs === 'object' && !Array.isArray(logs) ? logs[tieBreak] : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : Infinity;
  };
  // A multi-objective trial is ranked by its first value (the run's `metric`), the scalar projection.
  const first = (t: FrozenTrial): number => t.values?.[0] ?? Number.NaN;
  return trials
    .filter((t) => t.state === 'COMPLETE' && Number.isFinite(first(t)))
    .sort((a, b) => sign * (first(a) - first(b)) || tie(a) - tie(b) || a.number - b.number);
}

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

/** COMPLETE trials best first (ties: lower number first). */
export function rankTrials(trials: readonly FrozenTrial[], direction: StudyDirection): FrozenTrial[] {
  const sign = direction === 'maximize' ? -1 : 1;
  return trials
    .filter((t) => t.state === 'COMPLETE' && Number.isFinite(t.value))
    .sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number);
}

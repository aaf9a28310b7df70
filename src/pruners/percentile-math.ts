import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/state';

/** The trial's best reported value over all steps so far (NaN when every value is NaN). */
export function bestIntermediate(trial: FrozenTrial, direction: StudyDirection): number {
  let best = NaN;
  for (const v of trial.intermediateValues.values()) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === 'maximize' ? v > best : v < best)) best = v;
  }
  return best;
}

/** The q-th percentile (0..100) with linear interpolation, ignoring NaN (numpy's nanpercentile). */
export function nanPercentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return lo === hi ? a : a + (b - a) * (pos - lo);
}

/**
 * Whether `step` is the first report at or after its pruning checkpoint, so a trial that reports
 * several times within one interval is judged once (Optuna's rule).
 */
export function isFirstInIntervalStep(
  step: number,
  reportedSteps: Iterable<number>,
  nWarmupSteps: number,
  intervalSteps: number,
): boolean {
  const checkpoint = Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
  let secondLast = -1;
  for (const s of reportedSteps) if (s !== step && s > secondLast) secondLast = s;
  return secondLast < checkpoint;
}

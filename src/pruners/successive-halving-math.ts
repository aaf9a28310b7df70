import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/state';

/**
 * The pure parts of asynchronous successive halving (ASHA), apart from the pruner that drives
 * them. Rung bookkeeping lives in trial system attributes, as in Optuna, so that every process
 * sharing a storage judges a trial against the same rung values.
 */

/** The system attribute a trial gets when it reaches rung `rung`: its value there. */
export function completedRungKey(rung: number): string {
  return `completed_rung_${rung}`;
}

/** The first rung the trial has not completed yet: rungs are recorded in order, so count them. */
export function currentRung(trial: FrozenTrial): number {
  let rung = 0;
  while (completedRungKey(rung) in trial.systemAttrs) rung++;
  return rung;
}

/** The step at which a trial completes `rung`: minResource * eta^(minEarlyStoppingRate + rung). */
export function rungPromotionStep(
  minResource: number,
  reductionFactor: number,
  minEarlyStoppingRate: number,
  rung: number,
): number {
  return minResource * reductionFactor ** (minEarlyStoppingRate + rung);
}

/**
 * Optuna's 'auto' heuristic: a hundredth of the longest completed trial (at least 1), or null while
 * no trial has completed with a reported step — until then nothing is known about the budget.
 */
export function estimateMinResource(trials: readonly FrozenTrial[]): number | null {
  let longest: number | null = null;
  for (const t of trials) {
    if (t.state !== 'COMPLETE') continue;
    const last = t.lastStep;
    if (last !== null && (longest === null || last > longest)) longest = last;
  }
  return longest === null ? null : Math.max(Math.floor(longest / 100), 1);
}

/** The values other trials recorded at `rungKey`, plus the judged trial's own `value`. */
export function competingValues(trials: readonly FrozenTrial[], rungKey: string, value: number): number[] {
  const out: number[] = [];
  for (const t of trials) {
    const v = t.systemAttrs[rungKey];
    if (typeof v === 'number') out.push(v);
  }
  out.push(value);
  return out;
}

/**
 * Whether `value` is among the top 1/eta of `competing` (which includes it). With fewer than eta
 * competitors the top 1/eta is empty; as trials cannot be paused and resumed later, Optuna then
 * promotes only the best so far rather than pruning everything — we keep that rule.
 */
export function isPromotable(
  value: number,
  competing: readonly number[],
  reductionFactor: number,
  direction: StudyDirection,
): boolean {
  const promotableIdx = Math.max(Math.floor(competing.length / reductionFactor) - 1, 0);
  const sorted = competing.slice().sort((a, b) => a - b);
  if (direction === 'maximize') return value >= (sorted[sorted.length - 1 - promotableIdx] as number);
  return value <= (sorted[promotableIdx] as number);
}

import { FAIL_REASON_KEY } from '../storage/base';
import type { Study } from '../study/study';
import type { FrozenTrial } from '../trial/frozen-trial';
import { slotOf } from '../trial/hyperband-slot';
import { wasInterrupted } from './slot-study';

// When several processes run one ASHA or Hyperband study (`tfjs-tune run` and `tfjs-tune worker`s on other
// machines), each decides its next job from the stored trials and creates that job's trial WAITING.
// Two of them may decide the same job at once (both see trial 7 as the next promotion, or both see
// room for one more new configuration) and create two trials for it. Which one stands is a pure
// function of the stored trials, so every process agrees without a lock: the lower-numbered one
// (numbers are assigned atomically, and a trial's creation is committed before any higher number
// exists, so whoever reads the higher one also reads the lower). The others are discarded: claimed
// (atomically, `claimWaitingTrial`: exactly one process gets each) and marked FAIL, never trained.

/** Set on a slot trial that was made for a job another trial already stands for; it never trains. */
export const DISCARDED_KEY = 'slot_discarded';

/** Discarded (a duplicate of another trial's job) or interrupted (its job runs again): it holds no rung result. */
export function isSpent(t: FrozenTrial): boolean {
  return t.systemAttrs[DISCARDED_KEY] === true || wasInterrupted(t);
}

/**
 * Whether this slot trial stands for its job: no lower-numbered trial that counts continues the
 * same parent, and (a new configuration) fewer than `newConfigurations` counting new
 * configurations of its bracket (iteration and bracket; ASHA has one) precede it. Only ever goes
 * from false to true (a lower trial may end interrupted, never the other way), so a trial handed
 * out as standing still stands when a worker claims it.
 */
export function standsForItsJob(
  trial: FrozenTrial,
  trials: readonly FrozenTrial[],
  newConfigurations: number,
): boolean {
  const slot = slotOf(trial);
  if (slot === null) return false;
  const before = trials.filter((t) => t.number < trial.number && !isSpent(t) && slotOf(t) !== null);
  if (slot.parent !== null) return !before.some((t) => slotOf(t)?.parent === slot.parent);
  const sameBracket = before.filter((t) => {
    const other = slotOf(t);
    return other?.round === 0 && other.iteration === slot.iteration && other.bracket === slot.bracket;
  });
  return sameBracket.length < newConfigurations;
}

/**
 * Claims a WAITING duplicate and marks it FAIL (reason and {@link DISCARDED_KEY}), so that nobody
 * trains it; false when another process claimed it first (it discards it, or it stood after all).
 */
export async function discardSlotTrial(study: Study, trial: FrozenTrial, why: string): Promise<boolean> {
  const claimed = await study.storage.claimWaitingTrial(study.studyId, trial.number);
  if (claimed === null) return false;
  await study.storage.setTrialSystemAttr(claimed.trialId, DISCARDED_KEY, true);
  await study.storage.setTrialSystemAttr(claimed.trialId, FAIL_REASON_KEY, `not trained: ${why}`);
  await study.storage.setTrialState(claimed.trialId, 'FAIL');
  return true;
}

import type { FrozenTrial } from '../../trial/frozen-trial';
import { DISCARDED_KEY } from '../slot-claims';
import { jobRecordOf } from './job-record';

// When several processes run one PBT study (`tfjs-tune run` and `tfjs-tune worker`s), each decides
// a ready member's next job from the stored trials and creates its trial WAITING. Two of them may
// decide the same member's next job at once and create two trials for it. A job's key is its
// member and the member's trial it comes after (`PBTJobRecord.follows`): the interval it was
// decided at, or the interrupted job it runs again, so a retry after a failure has a key of its
// own and a member's jobs never share one. Fresh start, fromEpoch or donor cannot serve: two
// asynchronous decisions taken against different populations may differ in all three.
// Which of the two stands is a pure function of the stored trials, as for ASHA's jobs
// (`slot-claims.ts`): the lower-numbered one (numbers are assigned atomically, and a trial's creation
// is committed before any higher number exists, so whoever reads the higher one reads the lower).
// The other is discarded: claimed atomically and marked FAIL with a reason, never trained.

/** The job's key (member and the trial it follows), or null for a trial PBT did not make or made before keys existed. */
export function pbtJobKey(trial: FrozenTrial): string | null {
  const r = jobRecordOf(trial);
  if (r === null || r.follows === undefined) return null;
  return `${r.member}:${r.follows ?? 'first'}`;
}

export function isDiscardedPBT(trial: FrozenTrial): boolean {
  return trial.systemAttrs[DISCARDED_KEY] === true;
}

/**
 * The PBT trials that stand for their jobs, in number order: every PBT trial but the discarded ones
 * and those whose key a lower-numbered standing trial already holds. A trial once standing stays so
 * (a lower one is only ever discarded when it did not stand itself), so a trial handed out as
 * standing still stands when a worker claims it, and interrupted trials keep their key (their job
 * runs again under a key of its own).
 */
export function standingPBTTrials(trials: readonly FrozenTrial[]): FrozenTrial[] {
  const held = new Set<string>();
  const out: FrozenTrial[] = [];
  for (const t of trials) {
    if (jobRecordOf(t) === null || isDiscardedPBT(t)) continue;
    const key = pbtJobKey(t);
    if (key !== null) {
      if (held.has(key)) continue;
      held.add(key);
    }
    out.push(t);
  }
  return out;
}

/** Whether trial `number` stands for its job among `trials` (see {@link standingPBTTrials}). */
export function standsForItsPBTJob(number: number, trials: readonly FrozenTrial[]): boolean {
  return standingPBTTrials(trials.filter((t) => t.number <= number)).some((t) => t.number === number);
}

/** WAITING PBT trials that do not stand (duplicates whose maker has not discarded them yet, or died first). */
export function waitingDuplicates(trials: readonly FrozenTrial[]): FrozenTrial[] {
  const standing = new Set(standingPBTTrials(trials).map((t) => t.number));
  return trials.filter(
    (t) => t.state === 'WAITING' && jobRecordOf(t) !== null && !isDiscardedPBT(t) && !standing.has(t.number),
  );
}

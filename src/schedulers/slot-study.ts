import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidArgumentError, TfjsTuneError } from '../errors';
import { FAIL_REASON_KEY } from '../storage/base';
import type { Study } from '../study/study';
import type { FrozenTrial } from '../trial/frozen-trial';
import { HYPERBAND_KEY, slotOf, type HyperbandSlot } from '../trial/hyperband-slot';
import type { Job } from './scheduler';

// What the Hyperband and ASHA schedulers share: trials carrying a `hyperband` slot (system
// attribute), the schedule stored with the study, and the trials a dead process left behind.

/** Study system attribute: Hyperband brackets finished so far, counted across iterations. */
export const BRACKETS_DONE_KEY = 'hyperband_brackets_done';
/** Study system attribute of an ASHA search, whose trials carry the same slots. */
export const ASHA_KEY = 'asha';
/** Set on trials left RUNNING by a process that died; their slot is run again. */
export const INTERRUPTED_KEY = 'hyperband_interrupted';

/**
 * Left RUNNING by a dead process: marked by `prepare`, failed by the study's heartbeat check
 * (storages word that reason "no heartbeat ..."), or by a Ctrl-C (the worker pool's `interrupt`,
 * whose reason starts "interrupted": the trial is FAIL by then, so it takes no further mark). Such a
 * slot runs again.
 */
export function wasInterrupted(t: FrozenTrial): boolean {
  return (
    t.systemAttrs[INTERRUPTED_KEY] === true ||
    (t.state === 'FAIL' && /^(no heartbeat|interrupted)/.test(t.failReason ?? ''))
  );
}

/** Creates the slot's trial WAITING, in one storage write with its slot (and a promoted one's params). */
export async function createSlotTrial(study: Study, slot: HyperbandSlot, parent: FrozenTrial | null): Promise<number> {
  const created = await study.storage.createTrial(study.studyId, {
    state: 'WAITING',
    systemAttrs: { [HYPERBAND_KEY]: { ...slot } },
    ...(parent === null ? {} : { params: parent.params, distributions: parent.distributions }),
  });
  if (created === null) throw new TfjsTuneError('the storage refused to create a Hyperband trial');
  return created.number;
}

/** The job a slot trial stands for: train from `initialEpoch` to `epochs`, continuing its parent if any. */
export function jobOfSlot(trialNumber: number, slot: HyperbandSlot): Job {
  return {
    trialNumber,
    fromEpoch: slot.initialEpoch,
    toEpoch: slot.epochs,
    start: slot.parent === null ? { kind: 'fresh' } : { kind: 'continue', from: slot.parent },
  };
}

/** The schedule is part of the study (system attribute `key`): resuming with another one would mix budgets. */
async function checkStoredSchedule(study: Study, key: string, wanted: Record<string, number>): Promise<void> {
  const stored = study.systemAttrs[key];
  if (stored === undefined) {
    await study.setSystemAttr(key, wanted);
    return;
  }
  if (JSON.stringify(stored) !== JSON.stringify(wanted)) {
    throw new InvalidArgumentError(
      `${key === HYPERBAND_KEY ? 'Hyperband' : key.toUpperCase()} schedule`,
      wanted,
      `the stored study's ${JSON.stringify(stored)} (or overwrite: true, or another studyName)`,
    );
  }
}

/**
 * Before a scheduler (re)starts on a study: reloads the trials, refuses a study of the other
 * schedule or stored with other settings, and fails the trials a dead process left RUNNING
 * (unless `failRunning` is false: another process may be running them).
 */
export async function prepareSlotStudy(
  study: Study,
  key: typeof HYPERBAND_KEY | typeof ASHA_KEY,
  settings: { readonly maxEpochs: number; readonly factor: number; readonly minEpochs: number },
  options: { readonly failRunning?: boolean } = {},
): Promise<void> {
  await study.refresh();
  refuseOtherSchedule(study, key === HYPERBAND_KEY ? ASHA_KEY : HYPERBAND_KEY);
  await checkStoredSchedule(study, key, {
    maxEpochs: settings.maxEpochs,
    factor: settings.factor,
    minEpochs: settings.minEpochs,
  });
  // Where other processes run the study too, a RUNNING trial may be alive: heartbeats decide.
  if (options.failRunning !== false) await failInterrupted(study);
}

/** One study, one schedule: Hyperband and ASHA both promote the slots they find, so they must not mix. */
function refuseOtherSchedule(study: Study, other: typeof HYPERBAND_KEY | typeof ASHA_KEY): void {
  if (study.systemAttrs[other] !== undefined) {
    throw new InvalidArgumentError(
      'study',
      study.studyName,
      `a study not run by ${other === ASHA_KEY ? 'ASHA' : 'Hyperband'} (this one was; use another studyName)`,
    );
  }
}

/** Marks FAIL the trials a dead process left RUNNING, so their slots run again. */
async function failInterrupted(study: Study): Promise<void> {
  const orphans = study.getTrials({ states: ['RUNNING'] }).filter((t) => slotOf(t) !== null);
  for (const t of orphans) {
    await study.storage.setTrialSystemAttr(t.trialId, INTERRUPTED_KEY, true);
    await study.storage.setTrialSystemAttr(t.trialId, FAIL_REASON_KEY, 'interrupted: its process stopped');
    await study.storage.setTrialState(t.trialId, 'FAIL');
  }
  if (orphans.length > 0) await study.refresh();
}

/** Deletes the checkpoints (`<checkpointDir>/trial_<n>`) of these trials: nothing will continue them. */
export function dropCheckpoints(trialNumbers: readonly number[], checkpointDir: string): void {
  for (const n of trialNumbers) rmSync(join(checkpointDir, `trial_${n}`), { recursive: true, force: true });
}

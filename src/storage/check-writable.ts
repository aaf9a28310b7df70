import { TrialFinishedError } from '../errors';
import { isFinished, type TrialState } from '../trial/state';

/** Refuses a write to a finished trial, which the storage contract forbids. */
export function assertWritable(trialNumber: number, state: TrialState, what: string): void {
  if (isFinished(state)) {
    throw new TrialFinishedError(`cannot ${what}: trial ${trialNumber} is already ${state}`);
  }
}

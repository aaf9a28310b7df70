import { InvalidArgumentError } from '../errors';
import type { TrainSlot } from '../training/train-slot';
import { slotOf } from '../trial/hyperband-slot';
import type { JobTrainer } from './scheduler';

/**
 * A Hyperband / ASHA slot trainer (`slotTrainerFor`, the tuners' `runTrial`) as a {@link JobTrainer}:
 * trains the job's trial as its `hyperband` slot says (a continued one reloads its parent's
 * checkpoint) and ends at the slot's epochs. It reports through the trial (`reportToTrial`), so a
 * pruner's `TrialPruned` still ends the job PRUNED; Hyperband and ASHA answer every result 'continue'.
 */
export function slotJobTrainer(train: TrainSlot): JobTrainer {
  return async ({ trial, job }) => {
    const slot = slotOf(trial.snapshot());
    if (slot === null)
      throw new InvalidArgumentError(`trial ${trial.number}`, 'no slot', 'a trial of the Hyperband or ASHA schedule');
    const value = await train(trial, slot);
    return { epoch: job.toEpoch, value };
  };
}

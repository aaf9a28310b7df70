import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { checkSplits } from '../../datasets/check-splits';
import type { DatasetSplits } from '../../datasets/types';
import { InvalidArgumentError } from '../errors';
import type { Trial } from '../study/trial';
import type { StudyDirection } from '../trial/state';
import { disposeModel } from './dispose-model';
import { reportToTrial } from './callbacks/report-to-trial';
import { epochLog } from './callbacks/epoch-log';
import { loadCheckpoint, saveCheckpoint } from './checkpoint/save-load';
import type { HyperModel, Params, SuggestApi } from './hyper-model';
import { resolveObjective } from './objective-spec';
import type { HyperbandSlot, TrainSlot } from './train-slot';
import { buildContextFor, trialTensors } from './trial-tensors';

export interface SlotTrainerOptions {
  /** Where each round's model is saved (`<checkpointDir>/trial_<number>`) and a promoted one is reloaded from. */
  readonly checkpointDir: string;
  /** The epoch log to optimise: default 'val_acc' for classification, 'val_loss' for regression. */
  readonly monitor?: string;
  /** Batch size when the model's space has no `batch_size`. Default 32. */
  readonly batchSize?: number;
  /** Replaces the model's own search space (e.g. a config file's `parameters`). */
  readonly space?: (trial: SuggestApi) => Params;
  /** Fresh callbacks for each trial's fit (progress). */
  readonly callbacks?: (trial: Trial, slot: HyperbandSlot) => tf.Callback[];
}

/** A Hyperband round trainer built from a zoo model and a dataset; carries the direction its monitor needs. */
export interface ZooSlotTrainer extends TrainSlot {
  readonly monitor: string;
  readonly direction: StudyDirection;
}

/**
 * {@link tfjs-tune!models.objectiveFor | objectiveFor}'s counterpart for Hyperband and BOHB: trains one configuration-round. A new
 * configuration is suggested and built; a promoted one reloads its parent's checkpoint (weights and
 * optimizer state) and continues with `initialEpoch`, so no epoch is trained twice. Either way the
 * model is fitted to the slot's epoch count, reporting the monitor each epoch, checkpointed at that
 * last epoch (the state the next round continues from; user attribute `checkpoint`), and scored by
 * the monitor at that epoch.
 *
 * @example
 * ```ts
 * const train = tune.slotTrainerFor(tune.models.cnn, data, { checkpointDir: './checkpoints' });
 * const executor = new tune.InProcessExecutor(tune.slotJobTrainer(train));
 * await tune.runScheduler(study, new tune.HyperbandScheduler({ maxEpochs: 27, factor: 3 }), executor);
 * ```
 */
export function slotTrainerFor(
  hyperModel: HyperModel,
  data: DatasetSplits,
  options: SlotTrainerOptions,
): ZooSlotTrainer {
  checkSplits(data);
  const numClasses = data.train.numClasses;
  const monitor = options.monitor ?? (numClasses === 0 ? 'val_loss' : 'val_acc');
  const { direction } = resolveObjective(monitor);
  const train = async (trial: Trial, slot: HyperbandSlot): Promise<number> => {
    // A promoted trial was created with its parent's params, so these suggestions return them.
    const params = (options.space ?? hyperModel.space)(trial);
    const model =
      slot.parent === null
        ? hyperModel.build(params, buildContextFor(data, trial.seed))
        : (await loadCheckpoint(join(options.checkpointDir, `trial_${slot.parent}`))).model;
    const tensors = trialTensors(data, trial);
    const { train: trainData, val } = tensors;
    const reporter = reportToTrial(trial, { monitor });
    try {
      const batch = params['batch_size'];
      await model.fit(trainData.xs, trainData.ys, {
        epochs: slot.epochs,
        initialEpoch: slot.initialEpoch,
        batchSize: typeof batch === 'number' ? batch : (options.batchSize ?? 32),
        validationData: [val.xs, val.ys],
        shuffle: false,
        verbose: 0,
        callbacks: [
          tensors.reshuffleEachEpoch(),
          reporter,
          ...(options.callbacks?.(trial, slot) ?? []),
          // Last, as Keras's History: it sees what schedules among the callbacks logged.
          epochLog(trial),
        ],
      });
      reporter.throwIfPruned();
      const value = reporter.lastValue;
      if (value === null || !Number.isFinite(value))
        throw new InvalidArgumentError('monitor', monitor, 'a metric that is finite after the last epoch');
      const dir = join(options.checkpointDir, `trial_${trial.number}`);
      await saveCheckpoint(model, dir, {
        metadata: { trial: trial.number, epoch: slot.epochs, [monitor]: value, parent: slot.parent },
      });
      trial.setUserAttr('checkpoint', dir);
      return value;
    } finally {
      disposeModel(model);
      tensors.dispose();
    }
  };
  return Object.assign(train, { monitor, direction });
}

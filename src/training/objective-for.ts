import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { checkSplits } from '../../datasets/check-splits';
import { preprocessSplits } from '../../datasets/preprocess/apply';
import type { FittedPreprocessor } from '../../datasets/preprocess/fitted';
import type { PreprocessSpec } from '../../datasets/preprocess/options';
import type { DatasetSplits } from '../../datasets/types';
import { InvalidArgumentError } from '../errors';
import type { Objective } from '../study/optimize';
import type { Trial } from '../study/trial';
import type { StudyDirection } from '../trial/state';
import { disposeModel } from './dispose-model';
import { BestEpoch, tieBreakFor } from './callbacks/best-epoch';
import { earlyStopping } from './callbacks/early-stopping';
import { epochLog } from './callbacks/epoch-log';
import { reportToTrial } from './callbacks/report-to-trial';
import { saveCheckpoint } from './checkpoint/save-load';
import type { HyperModel, Params, SuggestApi } from './hyper-model';
import { PREPROCESS_FILE } from './evaluate/trained-model';
import { measureModelMetrics, resolveMetrics } from './objective-metrics';
import { resolveObjective, type TunerObjectiveInput } from './objective-spec';
import { buildContextFor, trialTensors } from './trial-tensors';

export interface ObjectiveForOptions {
  readonly epochs: number;
  /** The epoch log to optimise: default 'val_acc' for classification, 'val_loss' for regression. */
  readonly monitor?: string;
  /** Stop a trial's fit when the monitor has not improved for `patience` epochs. */
  readonly earlyStopping?: { readonly patience: number; readonly minDelta?: number } | false;
  /** Batch size when the model's space has no `batch_size`. Default 32. */
  readonly batchSize?: number;
  /** Replaces the model's own search space (e.g. a config file's `parameters`). */
  readonly space?: (trial: SuggestApi) => Params;
  /** Fresh callbacks for each trial's fit (schedules, progress). */
  readonly callbacks?: (trial: Trial) => tf.Callback[];
  /** Save each trial's best-epoch model to `<checkpointDir>/trial_<number>` (user attr `checkpoint`). */
  readonly checkpointDir?: string;
  /**
   * The preprocessing `data` was encoded with (`preprocessSplits`): written as `preprocess.json` into
   * each trial's checkpoint, so `loadTrainedModel` reads raw data for it later.
   */
  readonly preprocessor?: FittedPreprocessor;
  /**
   * Fit this preprocessing on `data.train` (only) when the objective is made, encode train and val with
   * it, and store it with each checkpoint. Default: 'auto' (the defaults for the data's kind) when
   * `data` is a raw table (`loadCsv`'s, with `columns`), else none: the data is used as it is.
   */
  readonly preprocess?: PreprocessSpec;
  /**
   * Several objectives (a multi-objective study, `directions: objective.directions`): fit-log names
   * (`val_acc`, `val_loss`, ...) read at the best epoch of `monitor` (default: the first fit-log name
   * here), and the model metrics `params` (`model.countParams()`) and `inference_ms` (milliseconds per
   * sample of `predict` on up to 256 validation rows, median of 5 timed calls; a wall-clock figure, so
   * it varies between runs). A name alone infers its direction as a monitor does (`params` and
   * `inference_ms` are minimised); `{ name, direction }` sets it. The objective then returns one value
   * per metric and reports that vector each epoch (for `DominatedPruner`). The model metrics are also
   * stored as user attrs of the same names (for a `constraintsFunc`).
   */
  readonly metrics?: readonly TunerObjectiveInput[];
}

/** A study objective built from a zoo model and a dataset; carries the direction its monitor needs. */
export interface ZooObjective extends Objective {
  /** The fit log that picks each trial's best epoch. */
  readonly monitor: string;
  /** The direction of the first objective (of `monitor` for one). */
  readonly direction: StudyDirection;
  /** The names of the values the objective returns, in order: `[monitor]`, or `metrics`. */
  readonly metrics: readonly string[];
  /** One direction per entry of `metrics`: what `createStudy({ directions })` needs. */
  readonly directions: readonly StudyDirection[];
}

/**
 * Turns a HyperModel and a dataset into a study objective: suggest → build → fit on `train`,
 * validated on `val`, reporting the monitor each epoch so pruners act inside `fit` → return the
 * monitor at the best epoch. Tensors and models are created per trial and disposed after it.
 *
 * @example
 * ```ts
 * const data = tune.datasets.syntheticCifar({ nTrain: 2000, nVal: 500, seed: 0 });
 * const objective = tune.objectiveFor(tune.models.cnn, data, { epochs: 5 });
 * const study = await tune.createStudy({ direction: objective.direction, pruner: new tune.MedianPruner() });
 * await study.optimize(objective, { nTrials: 20 });
 * ```
 */
export function objectiveFor(
  hyperModel: HyperModel,
  rawData: DatasetSplits,
  options: ObjectiveForOptions,
): ZooObjective {
  checkSplits(rawData);
  if (!Number.isInteger(options.epochs) || options.epochs < 1)
    throw new InvalidArgumentError('epochs', options.epochs, 'an integer >= 1');
  if (options.preprocess !== undefined && options.preprocessor !== undefined)
    throw new InvalidArgumentError('preprocess', options.preprocess, 'left out when a fitted preprocessor is given');
  const spec = options.preprocess ?? (rawData.train.columns !== undefined ? 'auto' : undefined);
  const fitted = spec === undefined ? undefined : preprocessSplits(rawData, spec);
  const data = fitted?.data ?? rawData;
  const preprocessor = fitted?.preprocessor ?? options.preprocessor;
  const numClasses = data.train.numClasses;
  const several = options.metrics === undefined ? null : resolveMetrics(options.metrics);
  const firstLogMetric = several?.names.find((n) => !several.modelMetrics.includes(n as never));
  const monitor = options.monitor ?? firstLogMetric ?? (numClasses === 0 ? 'val_loss' : 'val_acc');
  const monitorDirection = resolveObjective(monitor).direction;
  const metrics = several?.names ?? [monitor];
  const directions = several?.directions ?? [monitorDirection];
  const objective = async (trial: Trial): Promise<number | number[]> => {
    const params = (options.space ?? hyperModel.space)(trial);
    const model = hyperModel.build(params, buildContextFor(data, trial.seed));
    const tensors = trialTensors(data, trial);
    const { train, val } = tensors;
    const tracker = new BestEpoch(monitor, monitorDirection, tieBreakFor(monitor));
    try {
      // Weight-independent, so measured on the untrained model: each epoch's report carries them.
      const fixed = several === null ? {} : await measureModelMetrics(model, val.xs, several.modelMetrics);
      for (const [name, value] of Object.entries(fixed)) trial.setUserAttr(name, value);
      const reporter = reportToTrial(trial, several === null ? { monitor } : { monitor: metrics, fixed });
      const batch = params['batch_size'];
      await model.fit(train.xs, train.ys, {
        epochs: options.epochs,
        batchSize: typeof batch === 'number' ? batch : (options.batchSize ?? 32),
        validationData: [val.xs, val.ys],
        shuffle: false,
        verbose: 0,
        callbacks: [
          tensors.reshuffleEachEpoch(),
          tracker,
          reporter,
          ...(options.earlyStopping
            ? [
                earlyStopping({
                  monitor,
                  patience: options.earlyStopping.patience,
                  minDelta: options.earlyStopping.minDelta ?? 0,
                }),
              ]
            : []),
          ...(options.callbacks?.(trial) ?? []),
          // Last, as Keras's History: it sees what schedules among the callbacks logged.
          epochLog(trial),
        ],
      });
      reporter.throwIfPruned();
      if (tracker.best === null)
        throw new InvalidArgumentError('monitor', monitor, 'a metric that was finite in at least one epoch');
      trial.setUserAttr('best_epoch', tracker.bestEpoch ?? 0);
      // The best epoch's other metrics: the CLI breaks ties between trials by its loss (tieBreakFor).
      trial.setUserAttr('best_epoch_logs', finiteLogs(tracker.bestLogs ?? {}));
      if (options.checkpointDir !== undefined) {
        const dir = join(options.checkpointDir, `trial_${trial.number}`);
        tracker.restore(model);
        await saveCheckpoint(model, dir, {
          metadata: { trial: trial.number, epoch: tracker.bestEpoch ?? 0, [monitor]: tracker.best },
        });
        if (preprocessor !== undefined)
          await writeFile(join(dir, PREPROCESS_FILE), JSON.stringify(preprocessor), 'utf8');
        trial.setUserAttr('checkpoint', dir);
      }
      if (several === null) return tracker.best;
      const logs = tracker.bestLogs ?? {};
      return metrics.map((name) => fixed[name] ?? logs[name] ?? Number.NaN);
    } finally {
      tracker.dispose();
      disposeModel(model);
      tensors.dispose();
    }
  };
  return Object.assign(objective, { monitor, direction: directions[0] as StudyDirection, metrics, directions });
}

/** JSON has no NaN or Infinity: such entries are left out. */
function finiteLogs(logs: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(logs).filter(([, v]) => Number.isFinite(v)));
}

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, NoCompletedTrialsError } from '../errors';
import type { Pruner } from '../pruners/base';
import type { Sampler } from '../samplers/base';
import type { ParamValue } from '../space/distributions';
import type { Storage } from '../storage/base';
import { maxTrialsCallback } from '../study/callbacks';
import { createStudy, deleteStudy } from '../study/create-study';
import type { Study } from '../study/study';
import type { Trial } from '../study/trial';
import { disposeModel } from '../training/dispose-model';
import { BestEpoch } from '../training/callbacks/best-epoch';
import { epochLog } from '../training/callbacks/epoch-log';
import { reportToTrial } from '../training/callbacks/report-to-trial';
import { loadCheckpoint, saveCheckpoint } from '../training/checkpoint/save-load';
import { resolveObjective, type TunerObjective, type TunerObjectiveInput } from '../training/objective-spec';
import type { FrozenTrial } from '../trial/frozen-trial';
import { silentLogger, type Logger } from '../util/logger';
import { HyperParameters } from './hyperparameters';
import {
  checkWorkers,
  runTrialsOnWorkers,
  serveTrialsAndExit,
  tunerWorkerRole,
  workerScriptOf,
  type ChiefOptions,
} from './tuner-workers';
import { formatResultsSummary } from './results-summary';

export type BuildModelFn = (hp: HyperParameters) => tf.LayersModel | Promise<tf.LayersModel>;

export interface TunerOptions {
  /** A metric of the fit logs ('val_acc', 'val_loss', ...) or `{ name, direction: 'min' | 'max' }`. */
  readonly objective: TunerObjectiveInput;
  /** Trials in the whole search, counted across resumes. Default 10 (GridSearch: the whole grid). */
  readonly maxTrials?: number;
  /** Models trained per trial; the trial's score is their mean. Default 1. */
  readonly executionsPerTrial?: number;
  readonly seed?: number;
  /** Where trials are stored (default in memory); a file makes the search resumable and reportable. */
  readonly storage?: string | Storage;
  readonly studyName?: string;
  /** Start afresh: delete a stored study of the same name and its checkpoints. Default false. */
  readonly overwrite?: boolean;
  /** Checkpoints go to `<directory>/<studyName>/trial_<n>`. Default './tfjs-tune-checkpoints'. */
  readonly directory?: string;
  readonly pruner?: Pruner;
  readonly logger?: Logger;
  /**
   * Worker threads that train at once (default 1: this thread). As KerasTuner's distributed
   * tuning, the script that creates the tuner runs again in every worker, where `search()` serves
   * this thread's search and then never returns: keep the code before `search()` to loading data
   * (seeded) and building the tuner. Needs a `sqlite:` storage, which the threads share.
   */
  readonly workers?: number;
  /** The script the workers run. Default: the script this process was started with. */
  readonly workerScript?: string;
}

export interface SearchArgs {
  readonly epochs: number;
  readonly batchSize?: number;
  readonly validationData?: [tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]];
  readonly validationSplit?: number;
  /** Extra fit callbacks (early stopping, schedules...). */
  readonly callbacks?: tf.CustomCallbackArgs | tf.Callback[];
  readonly verbose?: 0 | 1;
  readonly shuffle?: boolean;
}

/** The base options the epoch-budget tuners (Hyperband family, PBT) pass on; they own the trial budget. */
export const SCHEDULED_TUNER_KEYS: readonly string[] = [
  'objective',
  'seed',
  'storage',
  'studyName',
  'overwrite',
  'directory',
  'logger',
  'workers',
  'workerScript',
];

const TUNER_KEYS = [
  'objective',
  'maxTrials',
  'executionsPerTrial',
  'seed',
  'storage',
  'studyName',
  'overwrite',
  'directory',
  'pruner',
  'logger',
  'workers',
  'workerScript',
];

/**
 * The loop KerasTuner users know: `search` builds a model per trial with `buildModel(hp)`, fits it,
 * scores it by the objective at its best epoch, checkpoints that epoch, and records everything in a
 * study; `getBestModels` reloads the best checkpoints (no retraining). Subclasses choose the
 * sampler (`RandomSearch`, `GridSearch`, later `BayesianOptimization`) or own the schedule
 * (`Hyperband`).
 *
 * @example
 * ```ts
 * class MyTuner extends tune.Tuner {
 *   protected createSampler() { return new tune.TPESampler({ seed: 1 }); }
 * }
 * await new MyTuner(buildModel, { objective: 'val_acc', maxTrials: 10 }).search(x, y, { epochs: 3, validationSplit: 0.2 });
 * ```
 */
export abstract class Tuner {
  readonly objective: TunerObjective;
  readonly maxTrials: number;
  readonly executionsPerTrial: number;
  readonly studyName: string;
  readonly checkpointDir: string;
  protected readonly options: TunerOptions;
  private studyPromise: Promise<Study> | null = null;

  constructor(
    protected readonly buildModel: BuildModelFn,
    options: TunerOptions,
  ) {
    if (typeof buildModel !== 'function')
      throw new InvalidArgumentError('buildModel', buildModel, 'a function (hp) => compiled tf.LayersModel');
    for (const key of Object.keys(options)) {
      if (!TUNER_KEYS.includes(key))
        throw new InvalidArgumentError(`tuner options.${key}`, key, `one of ${TUNER_KEYS.join(', ')}`);
    }
    this.options = options;
    this.objective = resolveObjective(options.objective);
    this.maxTrials = options.maxTrials ?? 10;
    if (!Number.isInteger(this.maxTrials) || this.maxTrials < 1)
      throw new InvalidArgumentError('maxTrials', options.maxTrials, 'an integer >= 1');
    this.executionsPerTrial = options.executionsPerTrial ?? 1;
    if (!Number.isInteger(this.executionsPerTrial) || this.executionsPerTrial < 1) {
      throw new InvalidArgumentError('executionsPerTrial', options.executionsPerTrial, 'an integer >= 1');
    }
    this.studyName = options.studyName ?? 'tuner';
    this.checkpointDir = join(options.directory ?? 'tfjs-tune-checkpoints', this.studyName);
    this.workers = checkWorkers(options.workers, options.storage);
  }

  /** Worker threads that train at once (1: this thread alone). */
  readonly workers: number;

  /** The sampler this tuner searches with. */
  protected abstract createSampler(): Sampler;

  /** The study behind the tuner (created, or loaded to resume, on first use). */
  study(): Promise<Study> {
    this.studyPromise ??= this.openStudy();
    return this.studyPromise;
  }

  /** Runs trials until the study holds `maxTrials` finished trials. */
  async search(x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[], args: SearchArgs): Promise<void> {
    if (!Number.isInteger(args.epochs) || args.epochs < 1)
      throw new InvalidArgumentError('search epochs', args.epochs, 'an integer >= 1');
    const role = tunerWorkerRole(this.studyName);
    if (role.kind === 'skip') return;
    const study = await this.study();
    if (role.kind === 'worker') return serveTrialsAndExit(study, role, (trial) => this.runTrial(trial, x, y, args));
    const limit = await this.beforeSearch(study);
    const done = study.getTrials({ states: ['COMPLETE', 'PRUNED', 'FAIL'] }).length;
    if (done >= limit) return;
    if (this.workers > 1) {
      // The workers share the budget through storage: the study stops growing at `limit` trials
      // (WAITING ones, a grid's, are claimed first; a dead process's RUNNING ones end FAIL).
      await runTrialsOnWorkers({ ...this.chief(study), maxTrialsInStudy: Math.max(limit, study.trials.length) });
      return;
    }
    await study.optimize((trial) => this.runTrial(trial, x, y, args), {
      nTrials: limit - done,
      callbacks: [maxTrialsCallback(limit)],
    });
  }

  /** @internal What the worker-thread runs of this search need from this thread. */
  protected chief(study: Study): ChiefOptions {
    return { study, storage: study.storage, workers: this.workers, script: workerScriptOf(this.options.workerScript) };
  }

  /** The n best models, reloaded from their checkpoints (best first). */
  async getBestModels(n = 1): Promise<tf.LayersModel[]> {
    const best = await this.bestTrials(n);
    const models: tf.LayersModel[] = [];
    for (const t of best) models.push((await loadCheckpoint(this.trialDir(t.number))).model);
    return models;
  }

  /** The hyperparameters of the n best trials (best first). */
  async getBestHyperparameters(n = 1): Promise<Readonly<Record<string, ParamValue>>[]> {
    return (await this.bestTrials(n)).map((t) => t.params);
  }

  /** A table of the best trials: score and hyperparameters. */
  async resultsSummary(n = 10): Promise<string> {
    const study = await this.study();
    await study.refresh();
    return formatResultsSummary(study, this.objective, n);
  }

  /** Prepares the study before trials run (grids enqueue their points); returns the trial budget. */
  protected async beforeSearch(_study: Study): Promise<number> {
    return this.maxTrials;
  }

  /** Trains one trial's model(s) and returns its score. */
  protected async runTrial(
    trial: Trial,
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor | tf.Tensor[],
    args: SearchArgs,
  ): Promise<number> {
    const scores: number[] = [];
    let bestScore: number | null = null;
    for (let execution = 0; execution < this.executionsPerTrial; execution++) {
      const hp = new HyperParameters(trial);
      const model = await this.buildModel(hp);
      const tracker = new BestEpoch(this.objective.name, this.objective.direction);
      const reporter = execution === 0 ? reportToTrial(trial, { monitor: this.objective.name }) : null;
      try {
        const hpBatch = hp.values['batch_size'];
        await model.fit(x, y, {
          epochs: args.epochs,
          batchSize: typeof hpBatch === 'number' ? hpBatch : (args.batchSize ?? 32),
          verbose: args.verbose ?? 0,
          shuffle: args.shuffle ?? false, // tfjs shuffles with Math.random: opt in, at the cost of reproducibility
          // The first execution's epochs are the trial's log, as its reports are.
          callbacks: [
            tracker,
            ...(reporter ? [reporter] : []),
            ...userCallbacks(args.callbacks),
            // Last, as Keras's History: it sees what schedules among the callbacks logged.
            ...(execution === 0 ? [epochLog(trial)] : []),
          ],
          ...(args.validationData ? { validationData: args.validationData } : {}),
          ...(args.validationSplit !== undefined ? { validationSplit: args.validationSplit } : {}),
        });
        reporter?.throwIfPruned();
        if (tracker.best === null)
          throw new InvalidArgumentError(
            'objective',
            this.objective.name,
            'a metric that was finite in at least one epoch',
          );
        scores.push(tracker.best);
        if (bestScore === null || this.better(tracker.best, bestScore)) {
          bestScore = tracker.best;
          tracker.restore(model);
          await saveCheckpoint(model, this.trialDir(trial.number), {
            metadata: { trial: trial.number, epoch: tracker.bestEpoch ?? 0, score: tracker.best },
          });
        }
      } finally {
        tracker.dispose();
        disposeModel(model);
      }
    }
    return scores.reduce((s, v) => s + v, 0) / scores.length;
  }

  protected trialDir(trialNumber: number): string {
    return join(this.checkpointDir, `trial_${trialNumber}`);
  }

  private better(a: number, b: number): boolean {
    return this.objective.direction === 'maximize' ? a > b : a < b;
  }

  private async bestTrials(n: number): Promise<FrozenTrial[]> {
    const study = await this.study();
    await study.refresh();
    const sign = this.objective.direction === 'maximize' ? -1 : 1;
    const done = study
      .getTrials({ states: ['COMPLETE'] })
      .sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number);
    if (done.length === 0)
      throw new NoCompletedTrialsError(`tuner "${this.studyName}" has no completed trials; run search() first`);
    return done.slice(0, n);
  }

  private async openStudy(): Promise<Study> {
    const common = {
      studyName: this.studyName,
      ...(this.options.storage !== undefined ? { storage: this.options.storage } : {}),
    };
    // A worker thread joins the chief's study: only the chief may start afresh.
    if (this.options.overwrite === true && tunerWorkerRole(this.studyName).kind === 'chief') {
      await deleteStudy(common).catch(() => undefined); // nothing to delete is fine
      rmSync(this.checkpointDir, { recursive: true, force: true });
    }
    return createStudy({
      ...common,
      direction: this.objective.direction,
      sampler: this.createSampler(),
      loadIfExists: true,
      logger: this.options.logger ?? silentLogger,
      ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
      ...(this.options.pruner !== undefined ? { pruner: this.options.pruner } : {}),
    });
  }
}

function userCallbacks(callbacks: SearchArgs['callbacks']): tf.Callback[] {
  if (callbacks === undefined) return [];
  if (Array.isArray(callbacks)) return callbacks;
  throw new InvalidArgumentError('search callbacks', 'object', 'an array of tf.Callback instances');
}

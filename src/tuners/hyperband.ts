import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, NoCompletedTrialsError } from '../errors';
import type { Sampler } from '../samplers/base';
import { RandomSampler } from '../samplers/random';
import type { ParamValue } from '../space/distributions';
import type { Trial } from '../study/trial';
import { disposeModel } from '../training/dispose-model';
import { reportToTrial } from '../training/callbacks/report-to-trial';
import { epochLog } from '../training/callbacks/epoch-log';
import { loadCheckpoint, saveCheckpoint } from '../training/checkpoint/save-load';
import type { HyperbandSlot, TrainSlot } from '../training/train-slot';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Study } from '../study/study';
import { InProcessExecutor } from '../execution/in-process';
import { HyperbandScheduler } from '../schedulers/hyperband';
import { hyperbandSchedule, type HyperbandBracket } from '../schedulers/hyperband-schedule';
import { runScheduler } from '../schedulers/run-scheduler';
import type { Scheduler } from '../schedulers/scheduler';
import { slotJobTrainer } from '../schedulers/slot-job-trainer';
import { dropCheckpoints } from '../schedulers/slot-study';
import { rankTrials, slotOf } from '../trial/hyperband-slot';
import { HyperParameters } from './hyperparameters';
import { runJobsOnWorkers, serveJobsAndExit, tunerWorkerRole } from './tuner-workers';
import { SCHEDULED_TUNER_KEYS, Tuner, type BuildModelFn, type SearchArgs, type TunerOptions } from './tuner';

export interface HyperbandOptions extends Omit<TunerOptions, 'maxTrials' | 'executionsPerTrial' | 'pruner'> {
  /** Epochs of a fully trained model (R in the paper): the last round of every bracket trains to it. */
  readonly maxEpochs: number;
  /** eta: each round keeps the top 1/factor and trains it factor times longer. Default 3. */
  readonly factor?: number;
  /** How many times the whole set of brackets runs. Default 1. */
  readonly hyperbandIterations?: number;
  /**
   * The smallest budget a bracket starts at (the paper's unit of resource). Default 1; raise it when
   * a few epochs rank configurations badly (fast starters that plateau early).
   */
  readonly minEpochs?: number;
}

/** `search` arguments: the schedule sets the epochs, so `epochs` may be left out (or must equal maxEpochs). */
export type HyperbandSearchArgs = Omit<SearchArgs, 'epochs'> & { readonly epochs?: number };

/** The base tuner's options these tuners pass on (they own the trial budget themselves). */
const PASSED_KEYS = SCHEDULED_TUNER_KEYS;
const OWN_KEYS = ['maxEpochs', 'factor', 'hyperbandIterations', 'minEpochs'];

/** The base tuner's options out of ours; unknown keys are errors (a typo must not fall back to a default). */
function tunerOptions(options: HyperbandOptions, extraKeys: readonly string[], tuner: string): TunerOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (PASSED_KEYS.includes(key)) out[key] = value;
    else if (!OWN_KEYS.includes(key) && !extraKeys.includes(key)) {
      const allowed = [...PASSED_KEYS, ...OWN_KEYS, ...extraKeys];
      throw new InvalidArgumentError(`${tuner} options.${key}`, key, `one of ${allowed.join(', ')}`);
    }
  }
  return out as unknown as TunerOptions;
}

function checkInteger(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  return value;
}

/**
 * KerasTuner's Hyperband (Li et al. 2018) in epochs: brackets of successive halving, each round
 * training its configurations to the round's epoch budget and promoting the top 1/factor. A promoted
 * configuration reloads its checkpoint (weights and optimizer state) and continues with `initialEpoch`
 * instead of retraining. Each configuration-round is one study trial, linked to the trial it
 * continues by its `hyperband` system attribute (see `HyperbandScheduler`), so a search stored in SQLite
 * resumes where it stopped. A trial's score is the objective at the last epoch of its round (the
 * state a promotion continues from); `getBestModels` returns the best fully trained checkpoints.
 * New configurations are drawn at random; `BOHB` models them instead. With `workers`, each round's
 * trials train in parallel on worker threads (the schedule is decided here).
 *
 * @example
 * ```ts
 * const tuner = new tune.Hyperband(buildModel, { objective: 'val_acc', maxEpochs: 27, factor: 3, seed: 1 });
 * await tuner.search(xTrain, yTrain, { validationData: [xVal, yVal] });
 * const [best] = await tuner.getBestModels(1);
 * ```
 */
export class Hyperband extends Tuner {
  readonly maxEpochs: number;
  readonly factor: number;
  readonly hyperbandIterations: number;
  readonly minEpochs: number;
  /** The brackets of one iteration, most aggressive first. */
  readonly schedule: readonly HyperbandBracket[];

  constructor(buildModel: BuildModelFn, options: HyperbandOptions, extraKeys: readonly string[] = []) {
    super(buildModel, tunerOptions(options, extraKeys, new.target.name));
    this.maxEpochs = checkInteger('maxEpochs', options.maxEpochs, 1);
    this.factor = checkInteger('factor', options.factor ?? 3, 2);
    this.hyperbandIterations = checkInteger('hyperbandIterations', options.hyperbandIterations ?? 1, 1);
    this.minEpochs = checkInteger('minEpochs', options.minEpochs ?? 1, 1);
    this.schedule = hyperbandSchedule(this.maxEpochs, this.factor, this.minEpochs);
  }

  protected createSampler(): Sampler {
    return new RandomSampler({ seed: this.options.seed });
  }

  /** Runs the schedule (resuming a stored search); `(await tuner.study()).stop()` ends it after the trial in flight. */
  override async search(
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor | tf.Tensor[],
    args: HyperbandSearchArgs = {},
  ): Promise<void> {
    if (args.epochs !== undefined && args.epochs !== this.maxEpochs) {
      throw new InvalidArgumentError(
        'search epochs',
        args.epochs,
        `left out or equal to maxEpochs (${this.maxEpochs})`,
      );
    }
    const study = await this.study();
    const fitArgs: SearchArgs = { ...args, epochs: this.maxEpochs };
    await this.runSchedule(study, (trial) => this.runTrial(trial, x, y, fitArgs));
  }

  /** Runs the schedule's scheduler over the study, `train` training each trial (here, or on the worker threads). */
  protected async runSchedule(study: Study, train: TrainSlot): Promise<void> {
    const role = tunerWorkerRole(this.studyName);
    if (role.kind === 'skip') return;
    if (role.kind === 'worker') await serveJobsAndExit(study, role, slotJobTrainer(train));
    // Released trials are the partly trained ones nothing will continue; the results stay.
    const options = { onRelease: (numbers: readonly number[]) => dropCheckpoints(numbers, this.checkpointDir) };
    if (this.workers > 1) {
      await runJobsOnWorkers(this.chief(study), this.createScheduler(), options);
      return;
    }
    await runScheduler(
      study,
      this.createScheduler(),
      new InProcessExecutor(slotJobTrainer(train), this.options.logger),
      options,
    );
  }

  /** The scheduler this tuner runs (ASHA's promotions in the subclass). */
  protected createScheduler(): Scheduler {
    return new HyperbandScheduler({
      maxEpochs: this.maxEpochs,
      factor: this.factor,
      minEpochs: this.minEpochs,
      iterations: this.hyperbandIterations,
    });
  }

  /** The n best fully trained models, reloaded from their checkpoints (best first). */
  override async getBestModels(n = 1): Promise<tf.LayersModel[]> {
    const models: tf.LayersModel[] = [];
    for (const t of await this.bestFullyTrained(n)) models.push((await loadCheckpoint(this.trialDir(t.number))).model);
    return models;
  }

  override async getBestHyperparameters(n = 1): Promise<Readonly<Record<string, ParamValue>>[]> {
    return (await this.bestFullyTrained(n)).map((t) => t.params);
  }

  /**
   * Trains one configuration-round: a new configuration is built by `buildModel`, a promoted one
   * reloaded from its parent's checkpoint; either trains from the slot's `initialEpoch` to its
   * `epochs`, reporting the objective each epoch, and is checkpointed at its last epoch.
   */
  protected override async runTrial(
    trial: Trial,
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor | tf.Tensor[],
    args: SearchArgs,
  ): Promise<number> {
    const slot = slotOf(trial.snapshot());
    if (slot === null)
      throw new InvalidArgumentError(`trial ${trial.number}`, 'no slot', 'a trial of the Hyperband schedule');
    const model = await this.modelFor(trial, slot);
    try {
      const reporter = reportToTrial(trial, { monitor: this.objective.name });
      const batch = trial.params['batch_size'];
      await model.fit(x, y, {
        epochs: slot.epochs,
        initialEpoch: slot.initialEpoch,
        batchSize: typeof batch === 'number' ? batch : (args.batchSize ?? 32),
        verbose: args.verbose ?? 0,
        shuffle: args.shuffle ?? false, // tfjs shuffles with Math.random: opt in, at the cost of reproducibility
        // The epoch log last, as Keras's History: it sees what schedules among the callbacks logged.
        callbacks: [reporter, ...userCallbacks(args.callbacks), epochLog(trial)],
        ...(args.validationData ? { validationData: args.validationData } : {}),
        ...(args.validationSplit !== undefined ? { validationSplit: args.validationSplit } : {}),
      });
      reporter.throwIfPruned();
      const value = reporter.lastValue;
      if (value === null || Number.isNaN(value))
        throw new InvalidArgumentError(
          'objective',
          this.objective.name,
          'a metric that is finite after the last epoch',
        );
      await saveCheckpoint(model, this.trialDir(trial.number), {
        metadata: { trial: trial.number, epoch: slot.epochs, score: value, parent: slot.parent },
      });
      return value;
    } finally {
      disposeModel(model);
    }
  }

  private async modelFor(trial: Trial, slot: HyperbandSlot): Promise<tf.LayersModel> {
    if (slot.parent === null) return this.buildModel(new HyperParameters(trial));
    // The trial was created with its parent's params; the checkpoint has the architecture and the
    // optimizer (class, config and state), so nothing is rebuilt and training continues exactly.
    return (await loadCheckpoint(this.trialDir(slot.parent))).model;
  }

  private async bestFullyTrained(n: number): Promise<FrozenTrial[]> {
    const study = await this.study();
    await study.refresh();
    const full = study.getTrials({ states: ['COMPLETE'] }).filter((t) => slotOf(t)?.epochs === this.maxEpochs);
    const ranked = rankTrials(full, this.objective.direction);
    if (ranked.length === 0) {
      throw new NoCompletedTrialsError(
        `tuner "${this.studyName}" has no trial trained to maxEpochs (${this.maxEpochs}) yet; run search() first`,
      );
    }
    return ranked.slice(0, n);
  }
}

function userCallbacks(callbacks: SearchArgs['callbacks']): tf.Callback[] {
  if (callbacks === undefined) return [];
  if (Array.isArray(callbacks)) return callbacks;
  throw new InvalidArgumentError('search callbacks', 'object', 'an array of tf.Callback instances');
}

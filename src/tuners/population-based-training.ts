import { rmSync } from 'node:fs';

import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, NoCompletedTrialsError, TfjsTuneError } from '../errors';
import { InProcessExecutor } from '../execution/in-process';
import type { Sampler } from '../samplers/base';
import { RandomSampler } from '../samplers/random';
import type { Explorer } from '../schedulers/pbt/explorer';
import { memberJobTrainer, type MemberJobTrainer } from '../schedulers/pbt/member-trainer';
import type { PBTParams } from '../schedulers/pbt/member';
import { PBTScheduler } from '../schedulers/pbt/pbt-scheduler';
import { pbtOptionProblems } from '../schedulers/pbt/pbt-settings';
import { replaySchedule } from '../schedulers/pbt/replay';
import { spaceDistributions, type SpaceFn } from '../schedulers/pbt/space-draw';
import {
  formatLineage,
  lineageOf,
  rankFinalTrials,
  scheduleOfTrial,
  type StoredExploit,
} from '../schedulers/pbt/stored-lineage';
import { cloneZooState, zooStateFromPortable, zooStateToPortable } from '../schedulers/pbt/portable-zoo-state';
import { checkLiveMutable, disposeZooState, type ZooMemberState } from '../schedulers/pbt/zoo-member';
import { architectureDiffers, loadZooState, memberSeed, saveZooCheckpoint } from '../schedulers/pbt/zoo-trainer';
import { runScheduler } from '../schedulers/run-scheduler';
import type { Distribution, ParamValue } from '../space/distributions';
import { loadCheckpoint } from '../training/checkpoint/save-load';
import { disposeModel } from '../training/dispose-model';
import type { HyperModel } from '../training/hyper-model';
import type { FrozenTrial } from '../trial/frozen-trial';
import { HyperParameters, replaySuggestApi } from './hyperparameters';
import { fitMember, type FitData, type FitMember } from './pbt-fit-member';
import { runJobsOnWorkers, serveJobsAndExit, tunerWorkerRole } from './tuner-workers';
import { SCHEDULED_TUNER_KEYS, Tuner, type BuildModelFn, type SearchArgs, type TunerOptions } from './tuner';

export interface PopulationBasedTrainingOptions extends Omit<
  TunerOptions,
  'maxTrials' | 'executionsPerTrial' | 'pruner'
> {
  readonly populationSize: number;
  /** Epochs between two ready points of a member. */
  readonly perturbationInterval: number;
  /** Each member's budget in epochs. */
  readonly totalEpochs: number;
  /** No exploit before this epoch (0). */
  readonly burnInPeriod?: number;
  /** Bottom and top fraction of the population (0.25, at most 0.5). */
  readonly quantileFraction?: number;
  /** Probability that a mutated parameter is resampled instead of perturbed (0.25). */
  readonly resampleProbability?: number;
  /** Factors a number is multiplied by ([1.2, 0.8]). */
  readonly perturbationFactors?: readonly number[];
  /** Which parameters mutate: names of the search space (their distributions), or name → distribution. */
  readonly hyperparamMutations: readonly string[] | Readonly<Record<string, Distribution>>;
  /** Synchronous rounds (default false, as Ray Tune). */
  readonly synch?: boolean;
  /** How explore chooses new parameters (PB2 passes its bandit). */
  readonly explorer?: Explorer;
}

/** `search` arguments: the budget is `totalEpochs`, so `epochs` is left out. */
export type PBTSearchArgs = Omit<SearchArgs, 'epochs' | 'callbacks'>;

/** The base tuner's options these tuners pass on (they own the trial budget themselves). */
const PASSED_KEYS = SCHEDULED_TUNER_KEYS;
const OWN_KEYS = [
  'populationSize',
  'perturbationInterval',
  'totalEpochs',
  'burnInPeriod',
  'quantileFraction',
  'resampleProbability',
  'perturbationFactors',
  'hyperparamMutations',
  'synch',
  'explorer',
];

function tunerOptions(options: PopulationBasedTrainingOptions): TunerOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (PASSED_KEYS.includes(key)) out[key] = value;
    else if (!OWN_KEYS.includes(key))
      throw new InvalidArgumentError(
        `PopulationBasedTraining options.${key}`,
        key,
        `one of ${[...PASSED_KEYS, ...OWN_KEYS].join(', ')}`,
      );
  }
  return out as unknown as TunerOptions;
}

function isHyperModel(m: HyperModel | BuildModelFn): m is HyperModel {
  return typeof m === 'object' && m !== null && typeof (m as HyperModel).build === 'function';
}

/**
 * Population-based training (Jaderberg et al. 2017) as a tuner, with Ray Tune's options camelCased:
 * `populationSize` models train side by side; every `perturbationInterval` epochs a member in the
 * bottom `quantileFraction` copies the weights and optimiser state of one from the top — in memory,
 * no checkpoint round trip — and explores its `hyperparamMutations` (perturbed by
 * `perturbationFactors` or resampled with `resampleProbability`, always within bounds). Each
 * interval is one study trial; the lineage (who copied whom, when, with which params) is in
 * storage, so a search stored in SQLite and killed resumes from the trials and the members' last
 * checkpoints. Models come from a zoo `HyperModel` or a KerasTuner-style `build(hp)`.
 *
 * @example
 * ```ts
 * const tuner = new tune.tuners.PopulationBasedTraining(tune.models.cnn, {
 *   objective: 'val_acc', populationSize: 8, perturbationInterval: 2, totalEpochs: 12,
 *   hyperparamMutations: ['learning_rate', 'dropout'], seed: 1,
 * });
 * await tuner.search(xTrain, yTrain, { validationData: [xVal, yVal] });
 * console.log(await tuner.bestLineage());
 * ```
 */
export class PopulationBasedTraining extends Tuner {
  readonly settings: Omit<PopulationBasedTrainingOptions, keyof TunerOptions | 'hyperparamMutations'>;
  private readonly mutationNames: readonly string[] | null;
  private readonly mutationDistributions: Readonly<Record<string, Distribution>> | null;
  private data: FitData | null = null;

  constructor(
    private readonly model: HyperModel | BuildModelFn,
    options: PopulationBasedTrainingOptions,
  ) {
    const buildModel: BuildModelFn = isHyperModel(model)
      ? () => {
          throw new TfjsTuneError('PopulationBasedTraining builds its members itself');
        }
      : model;
    super(buildModel, tunerOptions(options));
    const { hyperparamMutations, ...rest } = options;
    this.settings = Object.fromEntries(
      Object.entries(rest).filter(([k]) => OWN_KEYS.includes(k)),
    ) as typeof this.settings;
    this.mutationNames = Array.isArray(hyperparamMutations) ? (hyperparamMutations as readonly string[]) : null;
    this.mutationDistributions = Array.isArray(hyperparamMutations)
      ? null
      : (hyperparamMutations as Readonly<Record<string, Distribution>>);
    // Checks every PBT option now, before any search, naming the field.
    const mutated = this.mutationNames ?? Object.keys(this.mutationDistributions ?? {});
    const [problem] = pbtOptionProblems({
      ...this.schedulerOptions(),
      hyperparamMutations: Object.fromEntries(mutated.map((n) => [n, null])) as never,
    });
    if (problem !== undefined) throw new InvalidArgumentError(problem.field, problem.value, problem.allowed);
    // A member applies these to its live model between intervals; anything else would need a rebuild.
    checkLiveMutable(mutated);
  }

  protected createSampler(): Sampler {
    return new RandomSampler({ seed: this.options.seed });
  }

  /** Trains the population to `totalEpochs` (resuming a stored search); `epochs` comes from the options. */
  override async search(
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor | tf.Tensor[],
    args: PBTSearchArgs = {},
  ): Promise<void> {
    if ((args as SearchArgs).epochs !== undefined)
      throw new InvalidArgumentError(
        'search epochs',
        (args as SearchArgs).epochs,
        'left out (totalEpochs sets the budget)',
      );
    this.data = {
      x,
      y,
      ...(args.validationData !== undefined ? { validationData: args.validationData } : {}),
      ...(args.validationSplit !== undefined ? { validationSplit: args.validationSplit } : {}),
      ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
    };
    const role = tunerWorkerRole(this.studyName);
    if (role.kind === 'skip') return;
    const study = await this.study();
    if (role.kind === 'worker') {
      // This thread's live members; each interval's end state goes back to the chief as buffers.
      await serveJobsAndExit(study, role, this.trainer(true));
    }
    const space = this.space();
    const scheduler = new PBTScheduler({
      ...this.schedulerOptions(),
      space,
      hyperparamMutations: this.mutations(space),
    });
    if (this.workers > 1) {
      await runJobsOnWorkers(this.chief(study), scheduler, {
        onRelease: (n) => n.forEach((t) => rmSync(this.trialDir(t), { recursive: true, force: true })),
      });
      return;
    }
    const trainer = this.trainer(false);
    try {
      await runScheduler(study, scheduler, new InProcessExecutor(trainer, this.options.logger), {
        onRelease: (n) => trainer.release(n),
      });
    } finally {
      trainer.dispose();
    }
  }

  /** The n best members at the end of their budget, reloaded from their checkpoints (best first). */
  override async getBestModels(n = 1): Promise<tf.LayersModel[]> {
    const models: tf.LayersModel[] = [];
    for (const t of await this.bestFinal(n)) models.push((await loadCheckpoint(this.trialDir(t.number))).model);
    return models;
  }

  override async getBestHyperparameters(n = 1): Promise<Readonly<Record<string, ParamValue>>[]> {
    return (await this.bestFinal(n)).map((t) => t.params);
  }

  /** Every exploit of the search, from storage: who copied whom, at which epoch, with which params before and after. */
  async lineage(): Promise<StoredExploit[]> {
    const study = await this.study();
    await study.refresh();
    return lineageOf(study.trials);
  }

  /** The best member's history as text: each interval it (and the members it copied) trained, and each copy. */
  async bestLineage(): Promise<string> {
    const [best] = await this.bestFinal(1);
    const study = await this.study();
    return formatLineage(
      study.trials,
      (best as FrozenTrial).number,
      this.objective.name,
      this.mutationNames ?? Object.keys(this.mutationDistributions ?? {}),
    );
  }

  /**
   * Trains a fresh model on the schedule that produced trial `trialNumber`'s state (Ray Tune's
   * PopulationBasedTrainingReplay) on the data of the last `search`, and returns its score.
   */
  async replay(trialNumber: number): Promise<number> {
    const study = await this.study();
    await study.refresh();
    const schedule = scheduleOfTrial(study.trials, trialNumber);
    const first = schedule.segments[0];
    if (first === undefined) throw new TfjsTuneError(`trial ${trialNumber} has no schedule to replay`);
    const member = await this.createMember(schedule.rootMember, first.params);
    try {
      return await replaySchedule(member, schedule.segments, schedule.toEpoch, this.settings.perturbationInterval);
    } finally {
      member.dispose();
    }
  }

  private schedulerOptions() {
    const { explorer, ...numbers } = this.settings;
    return {
      ...numbers,
      ...(explorer !== undefined ? { explorer } : {}),
      ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
    };
  }

  private space(): SpaceFn {
    const model = this.model;
    if (isHyperModel(model)) return (api) => model.space(api);
    return (api) => {
      const hp = new HyperParameters(api);
      const built = model(hp);
      // A dry run to read the space: the model is not kept.
      void Promise.resolve(built).then((m) => disposeModel(m));
      return hp.values;
    };
  }

  private mutations(space: SpaceFn): Readonly<Record<string, Distribution>> {
    if (this.mutationDistributions !== null) return this.mutationDistributions;
    const known = spaceDistributions(space);
    const out: Record<string, Distribution> = {};
    for (const name of this.mutationNames ?? []) {
      const d = known[name];
      if (d === undefined)
        throw new InvalidArgumentError(
          `hyperparamMutations.${name}`,
          name,
          `a parameter of the search space: one of ${Object.keys(known).sort().join(', ')}`,
        );
      out[name] = d;
    }
    return out;
  }

  private async createMember(member: number, params: PBTParams): Promise<FitMember> {
    const data = this.data;
    if (data === null)
      throw new TfjsTuneError('PopulationBasedTraining: call search(x, y, ...) first (replay trains on its data)');
    const model = this.model;
    let built: tf.LayersModel;
    if (isHyperModel(model)) {
      const x = Array.isArray(data.x) ? (data.x[0] as tf.Tensor) : data.x;
      const y = Array.isArray(data.y) ? (data.y[0] as tf.Tensor) : data.y;
      const numClasses = y.rank === 2 && (y.shape[1] as number) > 1 ? (y.shape[1] as number) : 0;
      built = model.build(
        { ...model.defaults, ...params },
        { inputShape: x.shape.slice(1), numClasses, seed: memberSeed(this.options.seed ?? 0, member) },
      );
    } else {
      const fixed = new HyperParameters(replaySuggestApi(params));
      built = await model(fixed);
    }
    return fitMember(built, data, this.objective);
  }

  private trainer(handOverStates: boolean): MemberJobTrainer<ZooMemberState> {
    return memberJobTrainer<ZooMemberState>({
      createMember: (member, params) => this.createMember(member, params),
      needsRebuild: architectureDiffers,
      copyState: cloneZooState,
      disposeState: disposeZooState,
      save: (n, member) => saveZooCheckpoint((member as FitMember).model, this.trialDir(n), n),
      load: (n) => loadZooState(this.trialDir(n)),
      drop: (n) => rmSync(this.trialDir(n), { recursive: true, force: true }),
      toPortable: zooStateToPortable,
      fromPortable: zooStateFromPortable,
      handOverStates,
    });
  }

  private async bestFinal(n: number): Promise<FrozenTrial[]> {
    const study = await this.study();
    await study.refresh();
    const ranked = rankFinalTrials(study.trials, this.settings.totalEpochs, this.objective.direction);
    if (ranked.length === 0)
      throw new NoCompletedTrialsError(
        `tuner "${this.studyName}" has no member trained to totalEpochs (${this.settings.totalEpochs}) yet; run search() first`,
      );
    return ranked.slice(0, n);
  }
}

import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { Sampler } from '../samplers/base';
import type { CategoricalChoice, ParamValue } from '../space/distributions';
import type { Storage } from '../storage/base';
import { createStudy } from '../study/create-study';
import type { Study } from '../study/study';
import type { Trial } from '../study/trial';
import { disposeModel } from '../training/dispose-model';
import type { Split } from '../training/cross-validation/split';
import { crossValScore, type ScoreFn } from '../training/cross-validation/cross-val-score';
import type { BuildContext, HyperModel, Params } from '../training/hyper-model';
import { resolveObjective } from '../training/objective-spec';
import type { StudyDirection } from '../trial/state';
import { silentLogger } from '../util/logger';
import { summarizeCVResults, type CVResults } from './cv-results';

/** A HyperModel, or a function that builds a compiled model from one parameter set. */
export type Estimator = HyperModel | ((params: Params, context: BuildContext) => tf.LayersModel);

/** One parameter's candidates: a list of values, or a range (`log` and `step` as in `suggestFloat`). */
export type ParamDistribution =
  | readonly CategoricalChoice[]
  | {
      readonly low: number;
      readonly high: number;
      readonly log?: boolean;
      readonly step?: number;
      /** Default 'float'. */
      readonly type?: 'int' | 'float';
    };

export interface SearchCVOptions {
  /** Folds (stratified for one-hot / integer labels) or explicit splits. Default 5. */
  readonly cv?: number | readonly Split[];
  /** 'val_acc' (default), 'val_loss', any 'val_<metric>' of the model, or a function (higher is better). */
  readonly scoring?: string | ScoreFn;
  /** Epochs per fold. Default 10. */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Seeds the models' initialisers and the sampler. Default 0. */
  readonly seed?: number;
  /** Train the best candidate on all the data afterwards (`bestModel`). Default true. */
  readonly refit?: boolean;
  readonly storage?: string | Storage;
  readonly studyName?: string;
  readonly numClasses?: number;
}

function asHyperModel(estimator: Estimator): HyperModel {
  if (typeof estimator !== 'function') return estimator;
  return { name: estimator.name || 'estimator', defaults: {}, space: () => ({}), build: estimator };
}

/**
 * scikit-learn's search-with-cross-validation over a tfjs model: every candidate is scored by
 * `crossValScore`, and the candidates come from a study (so they are stored, resumable and
 * reportable). Subclasses choose the candidates: a grid, random draws, or a model-based sampler.
 */
export abstract class BaseSearchCV {
  cvResults: CVResults | null = null;
  bestIndex = -1;
  bestParams: Params | null = null;
  bestScore = NaN;
  bestModel: tf.LayersModel | null = null;
  study: Study | null = null;
  protected readonly hyperModel: HyperModel;
  protected readonly direction: StudyDirection;

  constructor(
    estimator: Estimator,
    protected readonly space: Readonly<Record<string, ParamDistribution>>,
    protected readonly options: SearchCVOptions = {},
  ) {
    this.hyperModel = asHyperModel(estimator);
    if (space === null || typeof space !== 'object' || Object.keys(space).length === 0) {
      throw new InvalidArgumentError('param space', space, 'an object of parameter name -> values or { low, high }');
    }
    const scoring = options.scoring ?? 'val_acc';
    this.direction = typeof scoring === 'string' ? resolveObjective(scoring).direction : 'maximize';
  }

  protected abstract createSampler(seed: number): Sampler;
  protected abstract candidates(): number;

  /** Scores every candidate, then (with `refit`) trains the best one on all of `x`, `y`. */
  async fit(x: tf.Tensor, y: tf.Tensor): Promise<this> {
    const seed = this.options.seed ?? 0;
    const study = await createStudy({
      studyName: this.options.studyName ?? `search-cv-${this.hyperModel.name}`,
      direction: this.direction,
      sampler: this.createSampler(seed),
      seed,
      loadIfExists: true,
      logger: silentLogger,
      ...(this.options.storage !== undefined ? { storage: this.options.storage } : {}),
    });
    this.study = study;
    const done = study.getTrials({ states: ['COMPLETE', 'FAIL', 'PRUNED'] }).length;
    await study.optimize((trial) => this.scoreCandidate(trial, x, y), {
      nTrials: Math.max(0, this.candidates() - done),
    });
    const complete = study.getTrials({ states: ['COMPLETE'] });
    if (complete.length === 0)
      throw new InvalidArgumentError(
        'fit',
        'every candidate failed',
        'at least one candidate that trains: see study.trials for the reasons',
      );
    this.cvResults = summarizeCVResults(complete, this.direction);
    const ranks = this.cvResults.rankTestScore;
    this.bestIndex = ranks.indexOf(Math.min(...ranks));
    this.bestParams = this.cvResults.params[this.bestIndex] as Params;
    this.bestScore = this.cvResults.meanTestScore[this.bestIndex] as number;
    if (this.options.refit ?? true) await this.refit(x, y);
    return this;
  }

  private async scoreCandidate(trial: Trial, x: tf.Tensor, y: tf.Tensor): Promise<number> {
    const params: Record<string, ParamValue> = {};
    for (const name of Object.keys(this.space).sort())
      params[name] = suggest(trial, name, this.space[name] as ParamDistribution);
    const result = await crossValScore(
      this.hyperModel,
      { ...this.hyperModel.defaults, ...params },
      x,
      y,
      this.cvOptions(),
    );
    trial.setUserAttr('split_scores', result.scores);
    trial.setUserAttr('std_test_score', result.std);
    return result.mean;
  }

  private cvOptions(): Parameters<typeof crossValScore>[4] {
    const o = this.options;
    return {
      seed: o.seed ?? 0,
      ...(o.cv !== undefined ? { cv: o.cv } : {}),
      ...(o.scoring !== undefined ? { metric: o.scoring } : {}),
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
      ...(o.numClasses !== undefined ? { numClasses: o.numClasses } : {}),
    };
  }

  private async refit(x: tf.Tensor, y: tf.Tensor): Promise<void> {
    if (this.bestModel !== null) disposeModel(this.bestModel);
    const params = { ...this.hyperModel.defaults, ...(this.bestParams as Params) };
    const numClasses =
      this.options.numClasses ?? (y.rank === 2 && (y.shape[1] as number) >= 2 ? (y.shape[1] as number) : 0);
    const model = this.hyperModel.build(params, {
      inputShape: x.shape.slice(1),
      numClasses,
      seed: this.options.seed ?? 0,
    });
    const batch = params['batch_size'];
    await model.fit(x, y, {
      epochs: this.options.epochs ?? 10,
      batchSize: this.options.batchSize ?? (typeof batch === 'number' ? batch : 32),
      shuffle: false,
      verbose: 0,
    });
    this.bestModel = model;
  }
}

function suggest(trial: Trial, name: string, d: ParamDistribution): ParamValue {
  if (Array.isArray(d)) return trial.suggestCategorical(name, d as readonly CategoricalChoice[]);
  const r = d as Exclude<ParamDistribution, readonly CategoricalChoice[]>;
  const opts = { ...(r.log !== undefined ? { log: r.log } : {}), ...(r.step !== undefined ? { step: r.step } : {}) };
  const isInt = r.type === 'int'; // explicit: { low: 0, high: 1 } is a float range, as for a dropout rate
  return isInt ? trial.suggestInt(name, r.low, r.high, opts) : trial.suggestFloat(name, r.low, r.high, opts);
}

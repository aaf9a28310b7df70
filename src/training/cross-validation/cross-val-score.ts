import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { disposeModel } from '../dispose-model';
import { TRAINING_PARAM_NAMES, type HyperModel, type Params } from '../hyper-model';
import { kFold } from './k-fold';
import { checkInteger, type Split } from './split';
import { stratifiedKFold } from './stratified-k-fold';

/** A custom score: higher or lower is better as you decide; called on the fitted fold model. */
export type ScoreFn = (model: tf.LayersModel, xTest: tf.Tensor, yTest: tf.Tensor) => number | Promise<number>;

type FitCallbacks = tf.ModelFitArgs['callbacks'];

export interface CrossValScoreOptions {
  /** Number of folds (stratified when `y` is one-hot), or explicit splits. Default 5. */
  readonly cv?: number | readonly Split[];
  /** Shuffle before cutting folds (with `cv` a number). Default false. */
  readonly shuffle?: boolean;
  /** Seed for the models' initialisers (the same for every fold) and for `shuffle`. Default 0. */
  readonly seed?: number;
  /** Epochs per fold. Default 10. */
  readonly epochs?: number;
  /** Batch size. Default `params.batch_size`, else 32. */
  readonly batchSize?: number;
  /** 'val_acc' (default), 'val_loss', 'val_<metric>' evaluated on the test fold, or a function. */
  readonly metric?: string | ScoreFn;
  /** Callbacks for each fold's fit (the test fold is its validation data); a function gets a fresh set per fold. */
  readonly callbacks?: FitCallbacks | ((fold: number) => FitCallbacks);
  /** Classes for `build`. Default: y's columns when one-hot, max + 1 for int labels, else 0. */
  readonly numClasses?: number;
  /** Also score each fold's model on its own train rows (scikit-learn's `return_train_score`). Default false. */
  readonly returnTrainScore?: boolean;
}

export interface CrossValScoreResult {
  readonly scores: number[];
  readonly mean: number;
  /** Population standard deviation (as scikit-learn's cv_results_). */
  readonly std: number;
  /** Each fold's score on its train rows, with `returnTrainScore: true`. */
  readonly trainScores?: number[];
}

function inferNumClasses(y: tf.Tensor): number {
  if (y.rank === 2 && (y.shape[1] as number) >= 2) return y.shape[1] as number;
  if (y.rank === 1 && y.dtype === 'int32') return tf.tidy(() => (y.max().dataSync()[0] as number) + 1);
  return 0;
}

/** The folds `cv: k` means: stratified when y holds class labels (one-hot or int), else plain k-fold. */
export function defaultSplits(y: tf.Tensor, n: number, k: number, options: CrossValScoreOptions): Split[] {
  const shuffle = options.shuffle ?? false;
  const kOptions = { k, shuffle, ...(shuffle ? { seed: options.seed ?? 0 } : {}) };
  if (y.rank === 2 && (y.shape[1] as number) >= 2) {
    const labels = tf.tidy(() => y.argMax(-1).dataSync() as Int32Array);
    return stratifiedKFold(labels, kOptions);
  }
  if (y.rank === 1 && y.dtype === 'int32') return stratifiedKFold(y.dataSync(), kOptions);
  return kFold(n, kOptions);
}

function metricIndex(model: tf.LayersModel, metric: string): number {
  const name = metric.startsWith('val_') ? metric.slice(4) : metric;
  const names = model.metricsNames;
  const aliases: Record<string, string> = { acc: 'accuracy', accuracy: 'acc' };
  let index = names.indexOf(name);
  if (index < 0 && aliases[name] !== undefined) index = names.indexOf(aliases[name]);
  if (index < 0) {
    throw new TfjsTuneError(
      `crossValScore: metric "${metric}" is not reported by the model; available: ${names.map((m) => `val_${m}`).join(', ')}`,
    );
  }
  return index;
}

async function score(
  model: tf.LayersModel,
  xTest: tf.Tensor,
  yTest: tf.Tensor,
  metric: number | ScoreFn,
  batchSize: number,
): Promise<number> {
  if (typeof metric === 'function') return metric(model, xTest, yTest);
  const result = model.evaluate(xTest, yTest, { batchSize });
  const values = Array.isArray(result) ? result : [result];
  try {
    return (await (values[metric] as tf.Scalar).data())[0] as number;
  } finally {
    tf.dispose(values);
  }
}

/**
 * Cross-validated score of one parameter set (scikit-learn's `cross_val_score`): for each split it
 * builds a fresh model with `hyperModel.build(params, { inputShape, numClasses, seed })`, fits it on
 * the train rows (the test rows serve as validation data, for callbacks), scores it on the test rows
 * and disposes the model, its optimiser and every fold tensor. `x` and `y` stay the caller's.
 *
 * @example
 * ```ts
 * // myHyperModel: any HyperModel; params: one point of its space
 * const { scores, mean, std } = await tune.crossValScore(myHyperModel, { units: 64, lr: 1e-3 }, x, y, {
 *   cv: 5, epochs: 20, metric: 'val_acc', seed: 0,
 * });
 * ```
 */
export async function crossValScore(
  hyperModel: HyperModel,
  params: Params,
  x: tf.Tensor,
  y: tf.Tensor,
  options: CrossValScoreOptions = {},
): Promise<CrossValScoreResult> {
  const n = x.shape[0];
  if (y.shape[0] !== n)
    throw new InvalidArgumentError('crossValScore(y)', y.shape, `a tensor with ${n} rows, as x has`);
  const cv = options.cv ?? 5;
  const splits = typeof cv === 'number' ? defaultSplits(y, n, checkInteger('crossValScore.cv', cv, 2), options) : cv;
  if (splits.length === 0) throw new InvalidArgumentError('crossValScore.cv', splits, 'at least one split');
  const epochs = checkInteger('crossValScore.epochs', options.epochs ?? 10, 1);
  const fromParams = params[TRAINING_PARAM_NAMES.batchSize];
  const batchSize = checkInteger(
    'crossValScore.batchSize',
    options.batchSize ?? (typeof fromParams === 'number' ? fromParams : 32),
    1,
  );
  const metric = options.metric ?? 'val_acc';
  const numClasses = options.numClasses ?? inferNumClasses(y);
  const seed = options.seed ?? 0;
  const context = { inputShape: x.shape.slice(1), numClasses, seed };

  const returnTrainScore = options.returnTrainScore ?? false;
  if (typeof returnTrainScore !== 'boolean') {
    throw new InvalidArgumentError('crossValScore.returnTrainScore', returnTrainScore, 'a boolean');
  }
  const scores: number[] = [];
  const trainScores: number[] = [];
  for (let fold = 0; fold < splits.length; fold++) {
    const { train, test } = splits[fold] as Split;
    for (const i of [...train, ...test]) {
      if (i < 0 || i >= n) throw new InvalidArgumentError(`crossValScore.cv[${fold}]`, i, `indices in [0, ${n})`);
    }
    const [xTrain, yTrain, xTest, yTest] = tf.tidy((): [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor] => {
      const trainIdx = tf.tensor1d(train, 'int32');
      const testIdx = tf.tensor1d(test, 'int32');
      return [tf.gather(x, trainIdx), tf.gather(y, trainIdx), tf.gather(x, testIdx), tf.gather(y, testIdx)];
    });
    let model: tf.LayersModel | null = null;
    try {
      model = hyperModel.build(params, context);
      const scorer = typeof metric === 'string' ? metricIndex(model, metric) : metric; // checked before fitting
      const callbacks = typeof options.callbacks === 'function' ? options.callbacks(fold) : options.callbacks;
      await model.fit(xTrain, yTrain, {
        epochs,
        batchSize,
        shuffle: false, // tfjs shuffles with Math.random; fold order is already seeded
        verbose: 0,
        validationData: [xTest, yTest],
        ...(callbacks !== undefined ? { callbacks } : {}),
      });
      scores.push(await score(model, xTest, yTest, scorer, batchSize));
      if (returnTrainScore) trainScores.push(await score(model, xTrain, yTrain, scorer, batchSize));
    } finally {
      if (model !== null) disposeModel(model);
      tf.dispose([xTrain, yTrain, xTest, yTest]);
    }
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
  return { scores, mean, std, ...(returnTrainScore ? { trainScores } : {}) };
}

import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { ParamValue } from '../space/distributions';
import { crossValScore, defaultSplits, type CrossValScoreOptions } from '../training/cross-validation/cross-val-score';
import { checkInteger, type Split } from '../training/cross-validation/split';
import type { HyperModel, Params } from '../training/hyper-model';

/** How the folds are cut and each model is fitted and scored: {@link crossValScore}'s options but `returnTrainScore`. */
export type CurveOptions = Omit<CrossValScoreOptions, 'returnTrainScore'>;

/** Scores per point of a curve: `train[i][fold]` and `test[i][fold]`, with their means and standard deviations. */
export interface CurveScores {
  readonly train: number[][];
  readonly test: number[][];
  readonly trainMean: number[];
  readonly trainStd: number[];
  readonly testMean: number[];
  readonly testStd: number[];
}

export interface LearningCurve extends CurveScores {
  /** The number of training rows at each point (after turning fractions into counts, duplicates dropped). */
  readonly trainSizes: number[];
}

export interface ValidationCurve extends CurveScores {
  readonly paramName: string;
  readonly paramRange: ParamValue[];
}

/** scikit-learn's default sizes: 10 % to 100 % of the largest training fold in five steps. */
const DEFAULT_TRAIN_SIZES = [0.1, 0.325, 0.55, 0.775, 1];

function splitsFor(x: tf.Tensor, y: tf.Tensor, options: CurveOptions, who: string): Split[] {
  const cv = options.cv ?? 5;
  if (typeof cv !== 'number') {
    if (!Array.isArray(cv) || cv.length === 0)
      throw new InvalidArgumentError(`${who}.cv`, cv, 'a fold count or splits');
    return cv as Split[];
  }
  if (y.shape[0] !== x.shape[0])
    throw new InvalidArgumentError(`${who}(y)`, y.shape, `a tensor with ${x.shape[0]} rows, as x has`);
  return defaultSplits(y, x.shape[0], checkInteger(`${who}.cv`, cv, 2), options);
}

function summarise(train: number[][], test: number[][]): CurveScores {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const std = (v: number[]): number => Math.sqrt(v.reduce((a, s) => a + (s - mean(v)) ** 2, 0) / v.length);
  return {
    train,
    test,
    trainMean: train.map(mean),
    trainStd: train.map(std),
    testMean: test.map(mean),
    testStd: test.map(std),
  };
}

/** The folds' scores with the train rows cut to `trainRows` first (the same rows in every fold's order). */
async function scoresAt(
  hyperModel: HyperModel,
  params: Params,
  x: tf.Tensor,
  y: tf.Tensor,
  splits: readonly Split[],
  options: CurveOptions,
): Promise<{ train: number[]; test: number[] }> {
  const result = await crossValScore(hyperModel, params, x, y, { ...options, cv: splits, returnTrainScore: true });
  return { train: result.trainScores ?? [], test: result.scores };
}

/**
 * Score against training-set size (scikit-learn's `learning_curve`): for each size, every fold's
 * model is trained on the first `size` rows of its train split and scored on them and on its test
 * fold. `trainSizes` are fractions in (0, 1] of the smallest train split or row counts. Is more data
 * worth collecting, or does the model underfit?
 *
 * @example
 * ```ts
 * const curve = await tune.analysis.learningCurve(myHyperModel, study.bestParams, x, y, { cv: 5, epochs: 10 });
 * // curve.trainSizes, curve.testMean: what a report plots
 * ```
 */
export async function learningCurve(
  hyperModel: HyperModel,
  params: Params,
  x: tf.Tensor,
  y: tf.Tensor,
  options: CurveOptions & { readonly trainSizes?: readonly number[] } = {},
): Promise<LearningCurve> {
  const who = 'learningCurve';
  const { trainSizes: asked = DEFAULT_TRAIN_SIZES, ...rest } = options;
  const splits = splitsFor(x, y, rest, who);
  const largest = Math.min(...splits.map((s) => s.train.length));
  if (!Array.isArray(asked as unknown) || asked.length === 0) {
    throw new InvalidArgumentError(
      `${who}.trainSizes`,
      asked,
      'a non-empty array of fractions in (0, 1] or row counts',
    );
  }
  // All at most 1: fractions of the smallest train split; otherwise row counts (as scikit-learn reads them).
  const fractions = asked.every((s) => typeof s === 'number' && s <= 1);
  const sizes = asked.map((s) => {
    const rows = typeof s !== 'number' || !(s > 0) ? 0 : fractions ? Math.floor(s * largest) : s;
    if (!Number.isInteger(rows) || rows < 1 || rows > largest) {
      throw new InvalidArgumentError(
        `${who}.trainSizes`,
        asked,
        `fractions in (0, 1] giving at least one row of ${largest}, or row counts from 1 to ${largest}`,
      );
    }
    return rows;
  });
  const trainSizes = [...new Set(sizes)].sort((a, b) => a - b);
  const train: number[][] = [];
  const test: number[][] = [];
  for (const size of trainSizes) {
    const cut = splits.map((s) => ({ train: s.train.slice(0, size), test: s.test }));
    const scores = await scoresAt(hyperModel, params, x, y, cut, rest);
    train.push(scores.train);
    test.push(scores.test);
  }
  return { trainSizes, ...summarise(train, test) };
}

/**
 * Score against one hyperparameter (scikit-learn's `validation_curve`): for each value in
 * `paramRange`, `params` with that value is cross-validated and scored on train and test folds.
 * Where does the model start to overfit?
 */
export async function validationCurve(
  hyperModel: HyperModel,
  params: Params,
  x: tf.Tensor,
  y: tf.Tensor,
  paramName: string,
  paramRange: readonly ParamValue[],
  options: CurveOptions = {},
): Promise<ValidationCurve> {
  const who = 'validationCurve';
  if (typeof paramName !== 'string' || paramName === '') {
    throw new InvalidArgumentError(`${who}(paramName)`, paramName, 'a parameter name');
  }
  if (!Array.isArray(paramRange as unknown) || paramRange.length === 0) {
    throw new InvalidArgumentError(`${who}(paramRange)`, paramRange, 'a non-empty array of values');
  }
  const splits = splitsFor(x, y, options, who);
  const train: number[][] = [];
  const test: number[][] = [];
  for (const value of paramRange) {
    const scores = await scoresAt(hyperModel, { ...params, [paramName]: value }, x, y, splits, options);
    train.push(scores.train);
    test.push(scores.test);
  }
  return { paramName, paramRange: paramRange.slice(), ...summarise(train, test) };
}

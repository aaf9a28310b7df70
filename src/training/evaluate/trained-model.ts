import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { applyPreprocessor, checkPreprocessor } from '../../../datasets/preprocess/apply';
import type { FittedPreprocessor } from '../../../datasets/preprocess/fitted';
import { numSamples, type Dataset } from '../../../datasets/types';
import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { loadCheckpoint } from '../checkpoint/save-load';
import { disposeModel } from '../dispose-model';
import { classificationScores, regressionScores, type EvaluationScores } from './metrics';

/** The file beside a model that holds its preprocessing and class list. */
export const PREPROCESS_FILE = 'preprocess.json';

/**
 * A trained model with its preprocessing: what `evaluate`, `predict` and `export-model` work with. Raw
 * data goes in (as `loadCsv` reads it); the stored encoding is applied before the model sees it.
 */
export class TrainedModel {
  constructor(
    readonly model: tf.LayersModel,
    readonly preprocessor: FittedPreprocessor,
  ) {}

  /** The class list and its order (null for regression). */
  get classNames(): readonly string[] | null {
    return this.preprocessor.classNames;
  }

  /** Encodes `raw` and returns the model's outputs: `[n, classes]` probabilities, or `[n]` values. */
  predict(raw: Dataset, batchSize = 256): Float32Array {
    const data = applyPreprocessor(this.preprocessor, raw);
    const n = numSamples(data);
    const width = this.preprocessor.classNames?.length ?? 1;
    const out = new Float32Array(n * width);
    const row = data.x.length / Math.max(n, 1);
    for (let at = 0; at < n; at += batchSize) {
      const m = Math.min(batchSize, n - at);
      const part = tf.tidy(() => {
        const xs = tf.tensor(data.x.subarray(at * row, (at + m) * row), [m, ...data.xShape.slice(1)], 'float32');
        return this.model.predict(xs) as tf.Tensor;
      });
      try {
        out.set(part.dataSync() as Float32Array, at * width);
      } finally {
        part.dispose();
      }
    }
    return out;
  }

  /** Scores the model on raw labelled data; labels must use the model's class ids (`loadCsv`'s `classNames`). */
  evaluate(raw: Dataset): EvaluationScores {
    const classNames = this.preprocessor.classNames;
    if (classNames === null) {
      if (raw.yReal === undefined) throw new InvalidArgumentError('data.yReal', null, 'regression targets');
      return regressionScores(this.predict(raw), raw.yReal);
    }
    if (
      raw.numClasses !== classNames.length ||
      (raw.classNames !== undefined && raw.classNames.join('\n') !== classNames.join('\n'))
    )
      throw new InvalidArgumentError(
        'data.classNames',
        raw.classNames ?? raw.numClasses,
        `the model's classes in its order: ${classNames.join(', ')}`,
      );
    return classificationScores(this.predict(raw), raw.y, classNames);
  }

  dispose(): void {
    disposeModel(this.model);
  }
}

/**
 * Loads a checkpoint directory and the preprocessing that goes with it (`preprocess.json` there, or
 * `fallback`). The zoo's layer classes must be registered, as importing `tfjs-tune` does.
 *
 * @example
 * ```ts
 * const trained = await tune.evaluation.loadTrainedModel('./tfjs-tune-checkpoints/iris/refit');
 * const test = await tune.datasets.loadCsv('test.csv', { label: 'species', classNames: trained.classNames ?? [] });
 * console.log(trained.evaluate(test));
 * trained.dispose();
 * ```
 */
export async function loadTrainedModel(dir: string, fallback?: FittedPreprocessor): Promise<TrainedModel> {
  let pre: unknown = fallback;
  try {
    pre = JSON.parse(await readFile(join(dir, PREPROCESS_FILE), 'utf8'));
  } catch (e) {
    if (fallback === undefined)
      throw new TfjsTuneError(
        `${join(dir, PREPROCESS_FILE)}: cannot read the model's preprocessing (${(e as Error).message})`,
      );
  }
  checkPreprocessor(pre);
  const { model } = await loadCheckpoint(dir, { compile: false });
  return new TrainedModel(model, pre);
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../../datasets/types';
import { toTensors } from '../../../datasets/to-tensors';
import { InvalidArgumentError } from '../../errors';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { rankTrials } from '../../trial/hyperband-slot';
import type { StudyDirection } from '../../trial/state';
import { MODEL_FILE } from '../checkpoint/format';
import { loadCheckpoint } from '../checkpoint/save-load';
import { disposeModel } from '../dispose-model';
import { EnsembleModel, type EnsembleMember } from './ensemble-model';
import { betterScore, greedySelection, scorePredictions, type EnsembleMetric } from './greedy-selection';

/** What ensemble selection reads of a study (a `Study` has it). */
export interface EnsembleSource {
  readonly trials: readonly FrozenTrial[];
  readonly directions: readonly StudyDirection[];
}

export interface SelectEnsembleOptions {
  /** Iterations of greedy selection (picks, with replacement). Default 50, as auto-sklearn's. */
  readonly size?: number;
  /** Candidates: the best `topK` trials by their value. Default 10. */
  readonly topK?: number;
  /** What to select for. Default `accuracy` for classification, `loss` for regression. */
  readonly metric?: EnsembleMetric;
  /** Restricts the candidates to these trials (e.g. those trained to a schedule's full budget). */
  readonly trials?: readonly FrozenTrial[];
  /** Batch size of the members' predictions. Default 256. */
  readonly batchSize?: number;
}

const OPTION_KEYS = ['size', 'topK', 'metric', 'trials', 'batchSize'];

function checkOptions(options: SelectEnsembleOptions): { size: number; topK: number } {
  for (const key of Object.keys(options))
    if (!OPTION_KEYS.includes(key))
      throw new InvalidArgumentError(`ensemble options.${key}`, key, `one of ${OPTION_KEYS.join(', ')}`);
  const size = options.size ?? 50;
  const topK = options.topK ?? 10;
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError('ensemble size', size, 'an integer >= 1');
  if (!Number.isInteger(topK) || topK < 1) throw new InvalidArgumentError('ensemble topK', topK, 'an integer >= 1');
  if (options.metric !== undefined && options.metric !== 'accuracy' && options.metric !== 'loss')
    throw new InvalidArgumentError('ensemble metric', options.metric, "'accuracy' or 'loss'");
  return { size, topK };
}

/** The trial's checkpoint folder (user attribute `checkpoint`), when it is on disk. */
function checkpointOf(trial: FrozenTrial): string | null {
  const dir = trial.userAttrs['checkpoint'];
  return typeof dir === 'string' && existsSync(join(dir, MODEL_FILE)) ? dir : null;
}

/** The top-k finished trials that saved a checkpoint, best first. */
export function ensembleCandidates(study: EnsembleSource, trials: readonly FrozenTrial[], topK: number): FrozenTrial[] {
  if (study.directions.length !== 1)
    throw new InvalidArgumentError('study directions', study.directions, 'one objective (an ensemble has one score)');
  const ranked = rankTrials(
    trials.filter((t) => checkpointOf(t) !== null),
    study.directions[0] as StudyDirection,
  );
  if (ranked.length === 0)
    throw new InvalidArgumentError(
      'ensemble candidates',
      0,
      'a COMPLETE trial with a saved checkpoint (objectiveFor with checkpointDir, or tfjs-tune run)',
    );
  return ranked.slice(0, topK);
}

function predictValues(model: tf.LayersModel, xs: tf.Tensor, batchSize: number): Float32Array {
  const out = model.predict(xs, { batchSize }) as tf.Tensor;
  try {
    return out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
}

/**
 * Ensemble selection over a tuned study (Caruana et al., 2004, as auto-sklearn does): reloads the
 * checkpoints of the `topK` best trials, predicts the validation split with each, and greedily
 * builds a weighted average with replacement for `size` iterations, keeping the best-scoring prefix.
 * Its validation score is never below the best single candidate's. Returns an {@link EnsembleModel}
 * (save it with `tune.ensemble.save`); the members it leaves out are disposed. Deterministic: ties go to
 * the better-ranked trial.
 *
 * The selection is scored on the validation rows the trials were selected on (as auto-sklearn's
 * holdout ensembles are), so measure it on a held-out test set.
 *
 * @example
 * ```ts
 * const objective = tune.models.objectiveFor(tune.models.auto(data), data, { epochs: 5, checkpointDir: './ckpt' });
 * await study.optimize(objective, { nTrials: 30, timeout: 600 });
 * const ensemble = await tune.ensemble.select(study, data, { size: 50, topK: 10 });
 * await tune.ensemble.save(ensemble, './ckpt/ensemble');
 * ```
 */
export async function selectEnsemble(
  study: EnsembleSource,
  data: DatasetSplits,
  options: SelectEnsembleOptions = {},
): Promise<EnsembleModel> {
  const { size, topK } = checkOptions(options);
  const numClasses = data.val.numClasses;
  const metric: EnsembleMetric = options.metric ?? (numClasses === 0 ? 'loss' : 'accuracy');
  if (metric === 'accuracy' && numClasses === 0)
    throw new InvalidArgumentError('ensemble metric', metric, "'loss' for a regression dataset");
  const candidates = ensembleCandidates(study, options.trials ?? study.trials, topK);
  const targets = { y: numClasses === 0 ? (data.val.yReal as Float32Array) : data.val.y, numClasses };
  const models: tf.LayersModel[] = [];
  const predictions: Float32Array[] = [];
  const { xs, ys } = toTensors(data.val);
  try {
    for (const trial of candidates) {
      const { model } = await loadCheckpoint(checkpointOf(trial) as string, { compile: false });
      models.push(model);
      predictions.push(predictValues(model, xs, options.batchSize ?? 256));
    }
  } catch (e) {
    for (const m of models) disposeModel(m);
    throw e;
  } finally {
    xs.dispose();
    ys.dispose();
  }
  const selection = greedySelection(predictions, targets, { size, metric });
  let bestSingle = {
    trial: (candidates[0] as FrozenTrial).number,
    score: scorePredictions(predictions[0] as Float32Array, targets),
  };
  for (let j = 1; j < predictions.length; j++) {
    const score = scorePredictions(predictions[j] as Float32Array, targets);
    if (betterScore(score, bestSingle.score, metric))
      bestSingle = { trial: (candidates[j] as FrozenTrial).number, score };
  }
  const members: EnsembleMember[] = [];
  candidates.forEach((trial, j) => {
    const weight = selection.weights[j] as number;
    const model = models[j] as tf.LayersModel;
    if (weight > 0) members.push({ trial: trial.number, weight, model, checkpoint: checkpointOf(trial) });
    else disposeModel(model);
  });
  return new EnsembleModel(members, {
    metric,
    numClasses,
    size,
    iterations: selection.iterations,
    candidates: candidates.map((t) => t.number),
    validation: selection.score,
    bestSingle,
  });
}

import * as tf from '@tensorflow/tfjs';

import { subset } from '../../../datasets/dataset-ops';
import { toTensors } from '../../../datasets/to-tensors';
import { numSamples, type DatasetSplits } from '../../../datasets/types';
import { InvalidArgumentError } from '../../errors';
import type { CategoricalChoice, ParamValue } from '../../space/distributions';
import { disposeModel } from '../../training/dispose-model';
import type { HyperModel, Params, SuggestApi } from '../../training/hyper-model';
import { buildContextFor } from '../../training/trial-tensors';

/** The largest one-batch a dry run evaluates (the check is about shapes, not speed). */
const DRY_BATCH = 8;

/**
 * One configuration of the run's space without a study: the model's default where the space allows
 * it, else the first value (a config's `values[0]`, a range's `min`).
 */
export function firstParams(model: HyperModel, space: (trial: SuggestApi) => Params): Params {
  const fallback = (name: string, allowed: (v: ParamValue) => boolean, first: ParamValue): ParamValue => {
    const d = model.defaults[name];
    return d !== undefined && allowed(d) ? d : first;
  };
  return space({
    suggestFloat: (name, low, high) =>
      fallback(name, (v) => typeof v === 'number' && v >= low && v <= high, low) as number,
    suggestInt: (name, low, high) =>
      fallback(name, (v) => typeof v === 'number' && Number.isInteger(v) && v >= low && v <= high, low) as number,
    suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]): T =>
      fallback(name, (v) => choices.includes(v as T), choices[0] as T) as T,
  });
}

/**
 * Builds the model once for the data and evaluates it (loss and metrics, a forward pass) on one
 * batch of the training data, as training would encode it: a CNN on a table, an LSTM on images or
 * labels of the wrong form fail here, before a study exists, instead of in every trial. Everything
 * is disposed again.
 */
export function dryBuild(model: HyperModel, data: DatasetSplits, params: Params, modelField = 'model'): void {
  const context = buildContextFor(data, 0);
  const k = Math.min(DRY_BATCH, numSamples(data.train));
  if (k === 0) throw new InvalidArgumentError('dataset', 0, 'at least one training sample');
  let built: tf.LayersModel | null = null;
  const batch = toTensors(
    subset(
      data.train,
      Array.from({ length: k }, (_, i) => i),
    ),
    { oneHot: data.train.numClasses > 0 },
  );
  try {
    built = model.build(params, context);
    const out = built.evaluate(batch.xs, batch.ys, { batchSize: k });
    tf.dispose(out);
  } catch (e) {
    const why = e instanceof Error ? (e.message.split('\n')[0] as string) : String(e);
    throw new InvalidArgumentError(
      modelField,
      model.name,
      `a model that fits the data's shape: input [${context.inputShape.join(', ')}] per sample, ${
        context.numClasses === 0 ? 'a regression target' : `${context.numClasses} classes`
      } (a dry build and one batch failed: ${why})`,
    );
  } finally {
    if (built !== null) disposeModel(built);
    batch.xs.dispose();
    batch.ys.dispose();
  }
}

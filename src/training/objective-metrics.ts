import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { StudyDirection } from '../trial/state';
import { inferenceMsPerSample } from './inference-time';
import { firstRepeatedName, resolveObjective, type TunerObjectiveInput } from './objective-spec';

/**
 * Metrics of the model itself rather than of its fit: `params` (trainable and fixed weights,
 * `model.countParams()`) and `inference_ms` (milliseconds per sample of `predict`, measured). Both
 * are minimised unless a direction is given.
 */
export const MODEL_METRICS = ['params', 'inference_ms'] as const;
export type ModelMetric = (typeof MODEL_METRICS)[number];

/** The objectives of a multi-objective zoo objective, in the order its values are returned. */
export interface ResolvedMetrics {
  readonly names: readonly string[];
  readonly directions: readonly StudyDirection[];
  /** The names that are model metrics (measured once per trial), the others being fit-log names. */
  readonly modelMetrics: readonly ModelMetric[];
}

export function isModelMetric(name: string): name is ModelMetric {
  return (MODEL_METRICS as readonly string[]).includes(name);
}

/**
 * Checks and resolves `metrics`: at least two, no name twice, at least one from the fit logs (the
 * best epoch is chosen by it); a direction is inferred from the name as for a single monitor
 * (`resolveObjective`), model metrics being minimised.
 */
export function resolveMetrics(metrics: readonly TunerObjectiveInput[], field = 'metrics'): ResolvedMetrics {
  if (!Array.isArray(metrics as unknown) || metrics.length < 2)
    throw new InvalidArgumentError(
      field,
      metrics,
      `a list of at least two metrics, e.g. ['val_acc', 'params'] (one metric: use monitor); model metrics: ${MODEL_METRICS.join(', ')}`,
    );
  // Names without a direction are inferred as one monitor's are: `params` and `inference_ms` are minimised.
  const resolved = metrics.map((m) => resolveObjective(m));
  const names = resolved.map((r) => r.name);
  const twice = firstRepeatedName(names);
  if (twice !== undefined) throw new InvalidArgumentError(field, metrics, `metrics named once each ("${twice}" twice)`);
  if (names.every(isModelMetric))
    throw new InvalidArgumentError(
      field,
      metrics,
      `at least one metric from the fit logs (val_acc, val_loss, acc, loss) besides ${MODEL_METRICS.join(', ')}`,
    );
  return {
    names,
    directions: resolved.map((r) => r.direction),
    modelMetrics: names.filter(isModelMetric),
  };
}

/** Measures the model metrics asked for, on the built (not yet trained) model. */
export async function measureModelMetrics(
  model: tf.LayersModel,
  sample: tf.Tensor,
  wanted: readonly ModelMetric[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of wanted) {
    out[name] = name === 'params' ? model.countParams() : await inferenceMsPerSample(model, sample);
  }
  return out;
}

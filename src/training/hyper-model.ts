import type * as tf from '@tensorflow/tfjs';

import type { CategoricalChoice, ParamValue } from '../space/distributions';
import type { SuggestFloatOptions, SuggestIntOptions } from '../study/trial';

/**
 * The part of a trial a search space needs: `Trial` satisfies it, and so do the KerasTuner-style
 * `hp` object and a fixed-parameter replay, so one space definition serves every door.
 */
export interface SuggestApi {
  suggestFloat(name: string, low: number, high: number, options?: SuggestFloatOptions): number;
  suggestInt(name: string, low: number, high: number, options?: SuggestIntOptions): number;
  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T;
}

/** What a model needs to know about the data it will be built for. */
export interface BuildContext {
  /** Per-sample input shape, e.g. [32, 32, 3] or [maxLen]. */
  readonly inputShape: readonly number[];
  /** Number of classes (>= 2) for classification; 0 for regression. */
  readonly numClasses: number;
  /** Seed for the model's initialisers (and dropout), drawn from the trial's RNG. */
  readonly seed: number;
  /** For token inputs: ids are in [0, vocabSize). */
  readonly vocabSize?: number;
}

export type Params = Readonly<Record<string, ParamValue>>;

/**
 * A model family with a default search space: `space(trial)` suggests the hyperparameters
 * (define-by-run, so conditional parameters are natural), `build(params, ctx)` returns a compiled
 * `tf.LayersModel`. Training-loop hyperparameters that are not part of the graph (batch size)
 * are in the params too, under the names below.
 */
export interface HyperModel {
  readonly name: string;
  /** A sensible configuration: used for parameters a grid or a config file leaves out. */
  readonly defaults: Params;
  space(trial: SuggestApi): Params;
  build(params: Params, context: BuildContext): tf.LayersModel;
}

/** Param names the training loop reads (not the graph). */
export const TRAINING_PARAM_NAMES = { batchSize: 'batch_size' } as const;

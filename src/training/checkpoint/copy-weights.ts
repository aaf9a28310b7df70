import type * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import { readOptimizerState, writeOptimizerState } from './optimizer-state';

export interface CopyWeightsOptions {
  /** Also copy the optimiser's slots and iteration count (same optimiser class on both). Default false. */
  readonly includeOptimizer?: boolean;
}

const shapeText = (shape: readonly (number | null)[]): string => `[${shape.join(', ')}]`;

/**
 * Copies every weight (trainable and not) from `from` into `to`, two live models of the same
 * architecture — for population-based training and resumed trials. Shapes and dtypes are checked
 * per weight first; the first mismatch is an error naming it. With `includeOptimizer` the
 * optimiser state (slots, iteration count) is copied too; its hyperparameters (learning rate ...)
 * are not. The copies share no mutable state with the source.
 *
 * @example
 * ```ts
 * await tune.copyWeights(bestMember, weakMember, { includeOptimizer: true });
 * tune.callbacks.setOptimizerLearningRate(weakMember.optimizer, perturbedLr);
 * ```
 */
export async function copyWeights(
  from: tf.LayersModel,
  to: tf.LayersModel,
  options: CopyWeightsOptions = {},
): Promise<void> {
  const source = from.weights;
  const target = to.weights;
  if (source.length !== target.length) {
    throw new TfjsTuneError(
      `copyWeights: "${from.name}" has ${source.length} weights but "${to.name}" has ${target.length}; the architectures differ`,
    );
  }
  for (let i = 0; i < source.length; i++) {
    const s = source[i] as tf.LayerVariable;
    const t = target[i] as tf.LayerVariable;
    if (shapeText(s.shape) !== shapeText(t.shape) || s.dtype !== t.dtype) {
      throw new TfjsTuneError(
        `copyWeights: weight ${i} "${t.originalName}" of "${to.name}" is ${t.dtype}${shapeText(t.shape)} but ` +
          `"${s.originalName}" of "${from.name}" is ${s.dtype}${shapeText(s.shape)}`,
      );
    }
  }
  let fromOptimizer: tf.Optimizer | null = null;
  let toOptimizer: tf.Optimizer | null = null;
  if (options.includeOptimizer === true) {
    fromOptimizer = from.optimizer ?? null;
    toOptimizer = to.optimizer ?? null;
    if (fromOptimizer === null || toOptimizer === null) {
      throw new TfjsTuneError(
        `copyWeights: includeOptimizer needs both models compiled ("${fromOptimizer === null ? from.name : to.name}" has no optimizer)`,
      );
    }
    if (fromOptimizer.getClassName() !== toOptimizer.getClassName()) {
      throw new TfjsTuneError(
        `copyWeights: optimizer classes differ (${fromOptimizer.getClassName()} in "${from.name}", ${toOptimizer.getClassName()} in "${to.name}")`,
      );
    }
  }
  to.setWeights(from.getWeights());
  if (fromOptimizer !== null && toOptimizer !== null && fromOptimizer !== toOptimizer) {
    const state = await readOptimizerState(fromOptimizer);
    try {
      await writeOptimizerState(toOptimizer, state.weights);
    } finally {
      state.release();
    }
  }
}

import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../../errors';
import { engineFields } from '../backend';
import { getOptimizerLearningRate } from './optimizer-params';

type VariableGradients = Parameters<tf.Optimizer['applyGradients']>[0];

// The decay of each optimiser, read at every step, so that a change takes effect at the next one
// (PBT mutates it on a live model). Kept beside the optimiser, not in it: tfjs's optimisers have
// no such field, and their config (what a saved model records) stays the stock one.
const decays = new WeakMap<tf.Optimizer, number>();

/**
 * Decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019:
 * AdamW, SGDW): before each step every updated variable is scaled by `1 − learningRate·decay`,
 * as PyTorch's `AdamW` does, instead of adding `decay·w` to the gradient (which Adam's per-weight
 * scaling would undo). Works with any tfjs optimiser that has a learning rate; the first call wraps
 * the optimiser's `applyGradients`, later calls only change the value. 0 turns it off.
 */
export function setOptimizerWeightDecay(optimizer: tf.Optimizer, decay: number): void {
  if (typeof decay !== 'number' || !Number.isFinite(decay) || decay < 0) {
    throw new InvalidArgumentError('weight_decay', decay, 'a finite number >= 0');
  }
  getOptimizerLearningRate(optimizer); // the decay is scaled by it: refuse an optimiser without one
  if (!decays.has(optimizer)) wrapApplyGradients(optimizer);
  decays.set(optimizer, decay);
}

/** The decoupled weight decay the optimiser applies (0 when none was set). */
export function getOptimizerWeightDecay(optimizer: tf.Optimizer): number {
  return decays.get(optimizer) ?? 0;
}

function wrapApplyGradients(optimizer: tf.Optimizer): void {
  const step = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (variableGradients: VariableGradients): void => {
    const decay = decays.get(optimizer) ?? 0;
    const factor = 1 - getOptimizerLearningRate(optimizer) * decay;
    if (decay > 0) {
      const names = Array.isArray(variableGradients)
        ? variableGradients.map((v) => v.name)
        : Object.keys(variableGradients);
      const variables = engineFields(tf.engine()).registeredVariables;
      tf.tidy(() => {
        for (const name of names) {
          const variable = variables[name];
          if (variable !== undefined && variable.dtype === 'float32') variable.assign(tf.mul(variable, factor));
        }
      });
    }
    step(variableGradients);
  };
}

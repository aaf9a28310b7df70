import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../errors';
import {
  setDropoutRate,
  setOptimizerBetas,
  setOptimizerLearningRate,
  setOptimizerMomentum,
} from './callbacks/optimizer-params';
import { setOptimizerWeightDecay } from './callbacks/weight-decay';
import type { Params } from './hyper-model';
import { allLayers } from './model-layers';

/**
 * The parameters a live model can change between two training calls without a rebuild — the
 * optimiser's learning rate, decoupled weight decay, Adam's betas, the momentum of Momentum / RMSProp,
 * the dropout rate — and the batch size, which `fit` takes per call. Anything else changes the graph
 * (layers, units, the optimiser's kind), so PBT refuses it as a mutation.
 */
export const LIVE_MUTABLE_PARAMS: readonly string[] = [
  'learning_rate',
  'weight_decay',
  'beta1',
  'beta2',
  'momentum',
  'dropout',
  'batch_size',
];

/** Refuses a mutation of a parameter that would need a rebuild, naming it. */
export function checkLiveMutable(names: readonly string[], field = 'hyperparamMutations'): void {
  for (const name of names) {
    if (!LIVE_MUTABLE_PARAMS.includes(name)) {
      throw new InvalidArgumentError(
        `${field}.${name}`,
        name,
        `a parameter a live model can change (${LIVE_MUTABLE_PARAMS.join(', ')}); "${name}" changes the architecture`,
      );
    }
  }
}

function hasDropoutLayers(model: tf.LayersModel): boolean {
  return allLayers(model).some((l) => /Dropout$/.test(l.getClassName()));
}

/**
 * Puts the live-mutable values of `params` into effect on a compiled model, for its next training
 * step; the batch size is the caller's (it goes to `fit`). Parameters that are absent are left as
 * they are; one the model cannot take (momentum on Adam, dropout without dropout layers) throws.
 */
export function applyLiveParams(model: tf.LayersModel, params: Params): void {
  const optimizer = model.optimizer;
  if (!optimizer) throw new TfjsTuneError(`model "${model.name}" is not compiled: no optimizer to set`);
  const number = (name: string): number | undefined => {
    const v = params[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new InvalidArgumentError(`params.${name}`, v, 'a number');
    return v;
  };
  const lr = number('learning_rate');
  if (lr !== undefined) setOptimizerLearningRate(optimizer, lr);
  const decay = number('weight_decay');
  if (decay !== undefined) setOptimizerWeightDecay(optimizer, decay);
  const beta1 = number('beta1');
  const beta2 = number('beta2');
  if (beta1 !== undefined || beta2 !== undefined) {
    setOptimizerBetas(optimizer, { ...(beta1 !== undefined && { beta1 }), ...(beta2 !== undefined && { beta2 }) });
  }
  const momentum = number('momentum');
  if (momentum !== undefined) setOptimizerMomentum(optimizer, momentum);
  const dropout = number('dropout');
  // A model built with dropout 0 has no dropout layers (the zoo leaves them out): 0 asks nothing of it.
  if (dropout !== undefined && !(dropout === 0 && !hasDropoutLayers(model))) setDropoutRate(model, dropout);
}

/**
 * Applies the live-mutable values that differ between `before` (what the model trains with now)
 * and `after`: what PBT does between two intervals. Only changes are applied, so parameters a
 * model was merely built with (a `dropout` of 0 with no dropout layers, a `momentum` that built an
 * optimiser) are never forced onto it.
 */
export function applyChangedLiveParams(model: tf.LayersModel, before: Params, after: Params): void {
  const changed: Record<string, Params[string]> = {};
  for (const name of LIVE_MUTABLE_PARAMS) {
    if (name !== 'batch_size' && after[name] !== undefined && after[name] !== before[name]) changed[name] = after[name];
  }
  if (Object.keys(changed).length > 0) applyLiveParams(model, changed);
}

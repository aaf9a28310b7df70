import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { adamFields, dropoutFields, learningRateFields, momentumFields, sgdFields } from '../backend';
import { allLayers } from '../model-layers';

/*
 * tfjs-core 4.22 optimisers read their hyperparameters at each step from plain fields, so changing
 * a field changes the next update. The exceptions are cached tensors: SGD and Momentum keep
 * `c = scalar(-learningRate)` (replaced by their own `setLearningRate`, which disposes the old one)
 * and Momentum keeps `m = scalar(momentum)` (which its `setMomentum` forgets to refresh).
 */

/** The learning rate an optimiser will use for its next step. */
export function getOptimizerLearningRate(optimizer: tf.Optimizer): number {
  const lr = learningRateFields(optimizer).learningRate;
  if (typeof lr !== 'number') {
    throw new TfjsTuneError(
      `${optimizer.getClassName()} optimizer has no numeric learningRate field to read or schedule`,
    );
  }
  return lr;
}

/**
 * Sets the learning rate of a tfjs-core optimiser (SGD, Momentum, Adam, Adamax, RMSProp, Adagrad,
 * Adadelta) so that the next step really uses it: SGD/Momentum through `setLearningRate` (which
 * swaps their cached `-lr` scalar and disposes the old one), the others by their `learningRate` field.
 */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) {
    throw new InvalidArgumentError('learning rate', learningRate, 'a finite number >= 0');
  }
  getOptimizerLearningRate(optimizer); // checks the field exists
  const sgd = sgdFields(optimizer);
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate.call(optimizer, learningRate);
  else learningRateFields(optimizer).learningRate = learningRate;
}

/** Sets the momentum of a Momentum or RMSProp optimiser (refreshing Momentum's cached scalar). */
export function setOptimizerMomentum(optimizer: tf.Optimizer, momentum: number): void {
  if (typeof momentum !== 'number' || !Number.isFinite(momentum) || momentum < 0) {
    throw new InvalidArgumentError('momentum', momentum, 'a finite number >= 0');
  }
  const name = optimizer.getClassName();
  const fields = momentumFields(optimizer);
  if ((name !== 'Momentum' && name !== 'RMSProp') || typeof fields.momentum !== 'number') {
    throw new TfjsTuneError(`${name} optimizer has no momentum to set (Momentum and RMSProp have)`);
  }
  fields.momentum = momentum;
  if (fields.m instanceof tf.Tensor) {
    const old = fields.m;
    fields.m = tf.keep(tf.scalar(momentum));
    old.dispose();
  }
}

/**
 * Sets Adam's (or Adamax's) beta1 and/or beta2 for the next steps. The bias corrections stay the
 * products of the betas used so far (tfjs multiplies `accBeta` by the current beta at each step).
 */
export function setOptimizerBetas(optimizer: tf.Optimizer, betas: { beta1?: number; beta2?: number }): void {
  const name = optimizer.getClassName();
  if (name !== 'Adam' && name !== 'Adamax') {
    throw new TfjsTuneError(`${name} optimizer has no beta1 / beta2 to set (Adam and Adamax have)`);
  }
  const fields = adamFields(optimizer);
  for (const key of ['beta1', 'beta2'] as const) {
    const value = betas[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
      throw new InvalidArgumentError(key, value, 'a number in [0, 1)');
    }
    fields[key] = value;
  }
}

/**
 * Sets the rate of the model's dropout layers (Dropout, SpatialDropout1D, AlphaDropout,
 * GaussianDropout; nested models included), or of those named in `layerNames`. The next training
 * step uses it. Returns how many layers changed.
 */
export function setDropoutRate(model: tf.LayersModel, rate: number, layerNames?: readonly string[]): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
    throw new InvalidArgumentError('dropout rate', rate, 'a number in [0, 1)');
  const all = allLayers(model);
  const wanted = layerNames === undefined ? null : new Set(layerNames);
  let changed = 0;
  for (const layer of all) {
    const fields = dropoutFields(layer);
    if (!/Dropout$/.test(layer.getClassName()) || typeof fields.rate !== 'number') continue;
    if (wanted !== null && !wanted.has(layer.name)) continue;
    fields.rate = rate;
    changed++;
  }
  if (changed === 0) {
    const what = wanted === null ? 'no dropout layers' : `no dropout layers named ${[...wanted].join(', ')}`;
    throw new TfjsTuneError(`setDropoutRate: model "${model.name}" has ${what}`);
  }
  return changed;
}

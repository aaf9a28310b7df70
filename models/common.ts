import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../src/errors';
import { fusedAdam, fusedDense, fusedL2, useFusedCrossentropy } from '../src/training/backend';
import { setOptimizerWeightDecay } from '../src/training/callbacks/weight-decay';
import type { BuildContext, Params } from '../src/training/hyper-model';

/** Optimisers the zoo's spaces choose between. */
export const OPTIMIZERS = ['adam', 'rmsprop', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Reads a parameter with its type checked, so a bad replay or config names the field. */
export function num(params: Params, name: string, fallback?: number): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidArgumentError(`params.${name}`, v ?? null, 'a finite number');
  return v;
}

export function str<T extends string>(params: Params, name: string, allowed: readonly T[], fallback?: T): T {
  const v = params[name] ?? fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(`params.${name}`, v ?? null, `one of ${allowed.join(', ')}`);
  }
  return v as T;
}

export function bool(params: Params, name: string, fallback = false): boolean {
  const v = params[name] ?? fallback;
  if (typeof v !== 'boolean') throw new InvalidArgumentError(`params.${name}`, v, 'true or false');
  return v;
}

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      // tfjs's Adam with each variable's update in one JS loop on wasm / cpu (same state and config).
      return fusedAdam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'sgd':
      // Plain SGD needs momentum to be competitive on these problems.
      return tf.train.momentum(learningRate, 0.9);
  }
}

/**
 * Compiles a classifier head's model: one-hot labels, categorical cross-entropy, accuracy (logged as
 * `acc` / `val_acc`). Regression (numClasses 0): mean squared error.
 */
export function compileModel(model: tf.LayersModel, params: Params, context: BuildContext): tf.LayersModel {
  const optimizer = makeOptimizer(str(params, 'optimizer', OPTIMIZERS, 'adam'), num(params, 'learning_rate', 1e-3));
  // Decoupled (AdamW-style), off unless the space or config names it; PBT may change it live.
  const weightDecay = num(params, 'weight_decay', 0);
  if (weightDecay > 0) setOptimizerWeightDecay(optimizer, weightDecay);
  if (context.numClasses === 0) {
    model.compile({ optimizer, loss: 'meanSquaredError' });
  } else {
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['acc'] });
    // The same loss as one op (the model keeps the loss's name, so it saves and reloads as stock).
    useFusedCrossentropy(model);
  }
  return model;
}

/** The output layer for the context: softmax over the classes, or one linear unit. */
export function outputLayer(context: BuildContext, seed: number): tf.layers.Layer {
  if (context.numClasses !== 0 && context.numClasses < 2) {
    throw new InvalidArgumentError('numClasses', context.numClasses, '0 (regression) or at least 2');
  }
  return fusedDense({
    units: context.numClasses === 0 ? 1 : context.numClasses,
    activation: context.numClasses === 0 ? 'linear' : 'softmax',
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    name: 'output',
  });
}

/** Successive seeds for each layer's initialiser, all from the build's seed. */
export function seedStream(seed: number): () => number {
  let i = 0;
  return () => (seed * 7919 + 104729 * ++i) % 2147483647;
}

export function l2(params: Params): ReturnType<typeof tf.regularizers.l2> | undefined {
  const v = num(params, 'l2', 0);
  // tfjs's L2 regulariser with its penalty and gradient as one op (same value, config and class name).
  return v > 0 ? fusedL2(v) : undefined;
}

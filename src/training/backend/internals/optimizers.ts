import * as tf from '@tensorflow/tfjs';

import { defineView } from './view';

/*
 * tfjs-core 4.22 optimisers: their hyperparameters and slots are protected fields (read at each
 * step, so writing one changes the next update), and a few cached tensors hang off them.
 */

/** A slot variable as Adam keeps it, by variable index. */
export interface AdamSlot {
  originalName: string;
  variable: tf.Variable;
}

/** tfjs-core's AdamOptimizer: what the fused update and the optimiser-state checkpoint read. */
export interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Bias-correction powers; `setWeights` recomputes them with `pow` (not bit-exact). */
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<AdamSlot | undefined>;
  accumulatedSecondMoment: Array<AdamSlot | undefined>;
  incrementIterations(): void;
}

export const adamFields = defineView<AdamFields, tf.Optimizer>(
  'AdamOptimizer',
  {
    learningRate: 'field',
    beta1: 'field',
    beta2: 'field',
    epsilon: 'field',
    accBeta1: 'field',
    accBeta2: 'field',
    accumulatedFirstMoment: 'field',
    accumulatedSecondMoment: 'field',
    incrementIterations: 'method',
  },
  () => tf.train.adam(0.01),
);

/** Any optimiser's learning rate (a plain field on all of tfjs-core's; unknown until checked). */
export interface LearningRateFields {
  learningRate?: unknown;
}

export const learningRateFields = defineView<LearningRateFields, tf.Optimizer>(
  'Optimizer (Adam)',
  { learningRate: 'field' },
  () => tf.train.adam(0.01),
);

/**
 * SGD (and Momentum, its subclass): `c = scalar(-learningRate)` is cached, so the rate must change
 * through `setLearningRate` (which swaps and disposes it); Momentum's `dispose` forgets `c`.
 */
export interface SGDFields {
  learningRate?: unknown;
  c?: tf.Tensor;
  setLearningRate?: (learningRate: number) => void;
}

export const sgdFields = defineView<SGDFields, tf.Optimizer>(
  'MomentumOptimizer (SGD)',
  { learningRate: 'field', c: 'field', setLearningRate: 'method' },
  () => tf.train.momentum(0.01, 0.9),
);

/** Momentum caches `m = scalar(momentum)`, which its own `setMomentum` forgets to refresh. */
export interface MomentumFields {
  momentum?: unknown;
  m?: tf.Scalar;
}

export const momentumFields = defineView<MomentumFields, tf.Optimizer>(
  'MomentumOptimizer',
  { momentum: 'field', m: 'field' },
  () => tf.train.momentum(0.01, 0.9),
);

// RMSProp's momentum is read through momentumFields too; declared here so the canary checks it.
defineView<Pick<MomentumFields, 'momentum'>, tf.Optimizer>('RMSPropOptimizer', { momentum: 'field' }, () =>
  tf.train.rmsprop(0.01, 0.9, 0.5),
);

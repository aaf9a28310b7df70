import * as tf from '@tensorflow/tfjs';

import { fusedBatchNormalization, fusedDense, registerTrainingOps } from '../src/training/backend';
import type { BuildContext, HyperModel, Params, SuggestApi } from '../src/training/hyper-model';
import { OPTIMIZERS, bool, compileModel, l2, num, outputLayer, seedStream, str } from './common';
import { seededDropout } from './seeded-dropout';

const ACTIVATIONS = ['relu', 'tanh', 'elu'] as const;

/**
 * A multi-layer perceptron for tables (and, flattened, for anything else). Its space: learning
 * rate, optimiser, batch size, depth, width per layer, activation, dropout, L2, batch norm.
 *
 * @example
 * ```ts
 * const model = tune.models.mlp.build({ ...params }, { inputShape: [10], numClasses: 2, seed: 1 });
 * ```
 */
export const mlp: HyperModel = {
  name: 'mlp',
  defaults: {
    learning_rate: 1e-3,
    optimizer: 'adam',
    batch_size: 32,
    num_layers: 2,
    activation: 'relu',
    dropout: 0.1,
    l2: 1e-5,
    batch_norm: false,
    units_0: 128,
    units_1: 64,
  },
  space(trial: SuggestApi): Params {
    const params: Record<string, string | number | boolean> = {
      learning_rate: trial.suggestFloat('learning_rate', 1e-4, 3e-2, { log: true }),
      optimizer: trial.suggestCategorical('optimizer', OPTIMIZERS),
      batch_size: trial.suggestCategorical('batch_size', [16, 32, 64, 128]),
      num_layers: trial.suggestInt('num_layers', 1, 3),
      activation: trial.suggestCategorical('activation', ACTIVATIONS),
      dropout: trial.suggestFloat('dropout', 0, 0.5),
      l2: trial.suggestFloat('l2', 1e-6, 1e-2, { log: true }),
      batch_norm: trial.suggestCategorical('batch_norm', [false, true]),
    };
    for (let i = 0; i < (params['num_layers'] as number); i++) {
      params[`units_${i}`] = trial.suggestInt(`units_${i}`, 16, 256, { log: true });
    }
    return params;
  },
  build(params: Params, context: BuildContext): tf.LayersModel {
    registerTrainingOps(); // the fused kernels and layer classes, when initBackend has not run
    const nextSeed = seedStream(context.seed);
    const model = tf.sequential();
    // Flatten only what has more than one axis (tfjs's flatten refuses a 1-D row).
    const flat = context.inputShape.length > 1;
    if (flat) model.add(tf.layers.flatten({ inputShape: context.inputShape.slice() }));
    const activation = str(params, 'activation', ACTIVATIONS, 'relu');
    const dropout = num(params, 'dropout', 0);
    for (let i = 0; i < num(params, 'num_layers', 1); i++) {
      const regularizer = l2(params);
      model.add(
        fusedDense({
          ...(i === 0 && !flat ? { inputShape: context.inputShape.slice() } : {}),
          units: num(params, `units_${i}`, 64),
          activation: bool(params, 'batch_norm') ? 'linear' : activation,
          kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
          ...(regularizer ? { kernelRegularizer: regularizer } : {}),
        }),
      );
      if (bool(params, 'batch_norm')) {
        // PyTorch's running-statistics rate (Keras' momentum 0.9, not its 0.99): a table of a few
        // hundred rows gives a few steps per epoch, and at 0.99 the inference-mode statistics are
        // still mostly their initial values after a whole trial, so validation scores are noise.
        model.add(fusedBatchNormalization({ momentum: 0.9 }));
        model.add(tf.layers.activation({ activation }));
      }
      if (dropout > 0) model.add(seededDropout({ rate: dropout, seed: nextSeed() }));
    }
    model.add(outputLayer(context, nextSeed()));
    return compileModel(model, params, context);
  },
};

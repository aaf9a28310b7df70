import * as tf from '@tensorflow/tfjs';

import { fusedBatchNormalization, fusedDense, registerTrainingOps } from '../src/training/backend';
import type { BuildContext, HyperModel, Params, SuggestApi } from '../src/training/hyper-model';
import { OPTIMIZERS, bool, compileModel, l2, num, outputLayer, seedStream, str } from './common';
import { seededDropout } from './seeded-dropout';

const ACTIVATIONS = ['relu', 'elu'] as const;
const POOLING = ['max', 'avg'] as const;

/**
 * A small VGG-style convolutional net for CIFAR-shaped images: `num_blocks` blocks of
 * conv (→ batch norm) → activation → pooling, doubling the filters per block, then global average
 * pooling, dropout and a dense head.
 *
 * @example
 * ```ts
 * const model = tune.models.cnn.build(params, { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
 * ```
 */
export const cnn: HyperModel = {
  name: 'cnn',
  defaults: {
    learning_rate: 2e-3,
    optimizer: 'adam',
    batch_size: 64,
    num_blocks: 2,
    filters: 16,
    kernel_size: 3,
    activation: 'relu',
    pooling: 'max',
    batch_norm: false,
    dense_units: 64,
    dropout: 0.1,
    l2: 1e-5,
  },
  space(trial: SuggestApi): Params {
    return {
      learning_rate: trial.suggestFloat('learning_rate', 1e-4, 1e-2, { log: true }),
      optimizer: trial.suggestCategorical('optimizer', OPTIMIZERS),
      batch_size: trial.suggestCategorical('batch_size', [32, 64, 128]),
      num_blocks: trial.suggestInt('num_blocks', 1, 3),
      filters: trial.suggestCategorical('filters', [8, 16, 32]),
      kernel_size: trial.suggestCategorical('kernel_size', [3, 5]),
      activation: trial.suggestCategorical('activation', ACTIVATIONS),
      pooling: trial.suggestCategorical('pooling', POOLING),
      batch_norm: trial.suggestCategorical('batch_norm', [false, true]),
      dense_units: trial.suggestInt('dense_units', 16, 128, { log: true }),
      dropout: trial.suggestFloat('dropout', 0, 0.5),
      l2: trial.suggestFloat('l2', 1e-6, 1e-3, { log: true }),
    };
  },
  build(params: Params, context: BuildContext): tf.LayersModel {
    registerTrainingOps(); // the fused kernels and layer classes, when initBackend has not run
    const nextSeed = seedStream(context.seed);
    const activation = str(params, 'activation', ACTIVATIONS, 'relu');
    const pooling = str(params, 'pooling', POOLING, 'max');
    const batchNorm = bool(params, 'batch_norm');
    const kernelSize = num(params, 'kernel_size', 3);
    const model = tf.sequential();
    let filters = num(params, 'filters', 16);
    for (let b = 0; b < num(params, 'num_blocks', 2); b++) {
      const regularizer = l2(params);
      model.add(
        tf.layers.conv2d({
          ...(b === 0 ? { inputShape: context.inputShape.slice() } : {}),
          filters,
          kernelSize,
          padding: 'same',
          activation: batchNorm ? 'linear' : activation,
          kernelInitializer: tf.initializers.heNormal({ seed: nextSeed() }),
          ...(regularizer ? { kernelRegularizer: regularizer } : {}),
        }),
      );
      if (batchNorm) {
        // One op for the training-time normalisation (the stock layer's weights and updates): the
        // largest per-layer gap against PyTorch on wasm.
        model.add(fusedBatchNormalization());
        model.add(tf.layers.activation({ activation }));
      }
      const pool = { poolSize: 2, strides: 2 };
      model.add(pooling === 'max' ? tf.layers.maxPooling2d(pool) : tf.layers.averagePooling2d(pool));
      filters *= 2;
    }
    model.add(tf.layers.globalAveragePooling2d({}));
    model.add(
      fusedDense({
        units: num(params, 'dense_units', 64),
        activation,
        kernelInitializer: tf.initializers.heNormal({ seed: nextSeed() }),
      }),
    );
    const dropout = num(params, 'dropout', 0);
    if (dropout > 0) model.add(seededDropout({ rate: dropout, seed: nextSeed() }));
    model.add(outputLayer(context, nextSeed()));
    return compileModel(model, params, context);
  },
};

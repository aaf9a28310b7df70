import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../src/errors';
import { fusedDense, fusedLSTM, registerTrainingOps } from '../src/training/backend';
import type { BuildContext, HyperModel, Params, SuggestApi } from '../src/training/hyper-model';
import { OPTIMIZERS, bool, compileModel, num, outputLayer, seedStream } from './common';
import { seededDropout } from './seeded-dropout';

function vocabSizeOf(context: BuildContext): number {
  if (context.vocabSize === undefined || !Number.isInteger(context.vocabSize) || context.vocabSize < 2) {
    throw new InvalidArgumentError(
      'vocabSize',
      context.vocabSize ?? null,
      'an integer >= 2 (token models need the vocabulary size)',
    );
  }
  return context.vocabSize;
}

/** The token embedding both text models start with. */
function embeddingLayer(params: Params, context: BuildContext, seed: number): tf.layers.Layer {
  return tf.layers.embedding({
    inputDim: vocabSizeOf(context),
    outputDim: num(params, 'embedding_dim', 32),
    inputLength: context.inputShape[0] as number,
    inputShape: context.inputShape.slice(),
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
  });
}

/**
 * An embedding + LSTM text classifier for token sequences (IMDb-style): embedding size, recurrent
 * units, bidirectional or not, dropout on the LSTM's inputs and before the head.
 *
 * @example
 * ```ts
 * const model = tune.models.lstm.build(params, { inputShape: [50], numClasses: 2, vocabSize: 1000, seed: 1 });
 * ```
 */
export const lstm: HyperModel = {
  name: 'lstm',
  defaults: {
    learning_rate: 5e-3,
    optimizer: 'adam',
    batch_size: 32,
    embedding_dim: 32,
    units: 32,
    bidirectional: false,
    dropout: 0.1,
  },
  space(trial: SuggestApi): Params {
    return {
      learning_rate: trial.suggestFloat('learning_rate', 3e-4, 3e-2, { log: true }),
      optimizer: trial.suggestCategorical('optimizer', OPTIMIZERS),
      batch_size: trial.suggestCategorical('batch_size', [16, 32, 64]),
      embedding_dim: trial.suggestInt('embedding_dim', 8, 64, { log: true }),
      units: trial.suggestInt('units', 8, 64, { log: true }),
      bidirectional: trial.suggestCategorical('bidirectional', [false, true]),
      dropout: trial.suggestFloat('dropout', 0, 0.5),
    };
  },
  build(params: Params, context: BuildContext): tf.LayersModel {
    registerTrainingOps(); // the fused kernels and layer classes, when initBackend has not run
    const nextSeed = seedStream(context.seed);
    const model = tf.sequential();
    model.add(embeddingLayer(params, context, nextSeed()));
    // Dropout on the LSTM's inputs as a layer of its own: the cell's `dropout` option draws its
    // masks from an unseeded source, which would make the study irreproducible.
    const dropout = num(params, 'dropout', 0);
    if (dropout > 0) model.add(seededDropout({ rate: dropout, seed: nextSeed() }));
    const cell = {
      units: num(params, 'units', 32),
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: nextSeed() }),
    };
    model.add(
      bool(params, 'bidirectional')
        ? tf.layers.bidirectional({ layer: fusedLSTM(cell), mergeMode: 'concat' })
        : fusedLSTM(cell),
    );
    if (dropout > 0) model.add(seededDropout({ rate: dropout, seed: nextSeed() }));
    model.add(outputLayer(context, nextSeed()));
    return compileModel(model, params, context);
  },
};

/**
 * Bag of embeddings: the order-blind baseline an LSTM must beat on order-dependent text.
 */
export const bagOfEmbeddings: HyperModel = {
  name: 'bag-of-embeddings',
  defaults: { learning_rate: 5e-3, optimizer: 'adam', batch_size: 32, embedding_dim: 32, dense_units: 32 },
  space(trial: SuggestApi): Params {
    return {
      learning_rate: trial.suggestFloat('learning_rate', 3e-4, 3e-2, { log: true }),
      optimizer: trial.suggestCategorical('optimizer', OPTIMIZERS),
      batch_size: trial.suggestCategorical('batch_size', [16, 32, 64]),
      embedding_dim: trial.suggestInt('embedding_dim', 8, 64, { log: true }),
      dense_units: trial.suggestInt('dense_units', 8, 64, { log: true }),
    };
  },
  build(params: Params, context: BuildContext): tf.LayersModel {
    registerTrainingOps(); // the fused kernels and layer classes, when initBackend has not run
    const nextSeed = seedStream(context.seed);
    const model = tf.sequential();
    model.add(embeddingLayer(params, context, nextSeed()));
    model.add(tf.layers.globalAveragePooling1d({}));
    model.add(
      fusedDense({
        units: num(params, 'dense_units', 32),
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }),
    );
    model.add(outputLayer(context, nextSeed()));
    return compileModel(model, params, context);
  },
};

/**
 * The models the training benchmarks time, as tfjs builds them: the zoo's `mlp`, `cnn` and `lstm`
 * with their defaults, the cnn with batch norm and at its largest, and a DARTS edge block.
 * ./torch_anchor.py builds the same in PyTorch (same layers and trainable parameter counts).
 */
import * as tf from '@tensorflow/tfjs';

import { syntheticCifar, syntheticImdb, syntheticTabular, toTensors } from '../../src/api/datasets';
import { cnn, lstm, mlp } from '../../src/api/models';
import { compileModel, outputLayer } from '../../models/common';
import { dilatedDepthwiseConv2d, fusedBatchNormalization } from '../../src/training/backend';

export const CASE_NAMES = ['mlp', 'cnn', 'cnn-bn', 'cnn-large', 'lstm', 'darts'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

export interface TrainingCase {
  readonly name: CaseName;
  readonly description: string;
  /** A compiled model on the current backend. */
  readonly build: () => tf.LayersModel;
  /** One training batch `[xs, ys]` (one-hot labels) on the current backend; the caller disposes it. */
  readonly batch: (size: number) => [tf.Tensor, tf.Tensor];
  /** Whether the pure-JS cpu backend is timed too (not for the larger CNNs: minutes a step). */
  readonly onCpu: boolean;
}

const SEED = 1;

/** The DARTS edge's batch norm; the stock layer when `TFJS_TUNE_STOCK_BN` is set (for A/B runs). */
function batchNorm(): tf.layers.Layer {
  return process.env['TFJS_TUNE_STOCK_BN'] ? tf.layers.batchNormalization() : fusedBatchNormalization();
}

function oneHot(ds: Parameters<typeof toTensors>[0]): [tf.Tensor, tf.Tensor] {
  const { xs, ys } = toTensors(ds, { oneHot: true });
  return [xs, ys];
}

/** DARTS' ReLU → depthwise 3×3 (dilated) → pointwise 1×1 → batch norm, without conv biases. */
function reluConvBn(model: tf.Sequential, channels: number, dilation: number, seed: number): void {
  model.add(tf.layers.reLU());
  const depthwise = { kernelSize: 3, padding: 'same' as const, useBias: false };
  model.add(
    dilation > 1
      ? dilatedDepthwiseConv2d({
          ...depthwise,
          dilationRate: dilation,
          depthwiseInitializer: tf.initializers.heNormal({ seed }),
        })
      : tf.layers.depthwiseConv2d({ ...depthwise, depthwiseInitializer: tf.initializers.heNormal({ seed }) }),
  );
  model.add(
    tf.layers.conv2d({
      filters: channels,
      kernelSize: 1,
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }),
    }),
  );
  model.add(batchNorm());
}

/**
 * A DARTS edge on 32×32×C maps: `dil_conv_3x3` (dilation 2) then `sep_conv_3x3` (twice ReLU →
 * depthwise → pointwise → BN, the second time as one stock `separableConv2d`), global average
 * pooling and a 10-way softmax head. Adam 1e-3, like the zoo's defaults.
 */
export function dartsEdge(channels = 16): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [32, 32, channels] }));
  reluConvBn(model, channels, 2, 11);
  reluConvBn(model, channels, 1, 13);
  model.add(tf.layers.reLU());
  model.add(
    tf.layers.separableConv2d({
      filters: channels,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: tf.initializers.heNormal({ seed: 15 }),
      pointwiseInitializer: tf.initializers.heNormal({ seed: 16 }),
    }),
  );
  model.add(batchNorm());
  model.add(tf.layers.globalAveragePooling2d({}));
  // The head and training set-up the zoo models use (models/common.ts): fused dense, Adam, loss.
  model.add(outputLayer({ inputShape: [32, 32, channels], numClasses: 10, seed: 17 }, 17));
  return compileModel(
    model,
    { optimizer: 'adam', learning_rate: 1e-3 },
    { inputShape: [32, 32, channels], numClasses: 10, seed: 17 },
  );
}

export const TRAINING_CASES: readonly TrainingCase[] = [
  {
    name: 'mlp',
    description: 'zoo mlp defaults, 64 features, 2 classes',
    build: () => mlp.build(mlp.defaults, { inputShape: [64], numClasses: 2, seed: SEED }),
    batch: (n) => oneHot(syntheticTabular({ nTrain: n, nVal: 0, nFeatures: 64, nInformative: 16, seed: SEED }).train),
    onCpu: true,
  },
  {
    name: 'cnn',
    description: 'zoo cnn defaults, 32×32×3, 10 classes',
    build: () => cnn.build(cnn.defaults, { inputShape: [32, 32, 3], numClasses: 10, seed: SEED }),
    batch: (n) => oneHot(syntheticCifar({ nTrain: n, nVal: 0, seed: SEED }).train),
    onCpu: true,
  },
  {
    name: 'cnn-bn',
    description: 'zoo cnn, batch norm, 3 blocks (the main-job batch-norm variant), 32×32×3',
    build: () =>
      cnn.build(
        { ...cnn.defaults, batch_norm: true, num_blocks: 3 },
        { inputShape: [32, 32, 3], numClasses: 10, seed: SEED },
      ),
    batch: (n) => oneHot(syntheticCifar({ nTrain: n, nVal: 0, seed: SEED }).train),
    onCpu: false,
  },
  {
    name: 'cnn-large',
    description: "zoo cnn at its search space's largest: 32 filters, kernel 5, 3 blocks, 32×32×3",
    build: () =>
      cnn.build(
        { ...cnn.defaults, filters: 32, kernel_size: 5, num_blocks: 3 },
        { inputShape: [32, 32, 3], numClasses: 10, seed: SEED },
      ),
    batch: (n) => oneHot(syntheticCifar({ nTrain: n, nVal: 0, seed: SEED }).train),
    onCpu: false,
  },
  {
    name: 'lstm',
    description: 'zoo lstm defaults, maxLen 50, vocab 1000, 2 classes',
    build: () => lstm.build(lstm.defaults, { inputShape: [50], numClasses: 2, vocabSize: 1000, seed: SEED }),
    batch: (n) => oneHot(syntheticImdb({ nTrain: n, nVal: 0, vocabSize: 1000, maxLen: 50, seed: SEED }).train),
    onCpu: true,
  },
  {
    name: 'darts',
    description: 'DARTS dil_conv_3x3 (d=2) + sep_conv_3x3, 32×32×16',
    build: () => dartsEdge(16),
    batch: (n) => [
      tf.randomNormal([n, 32, 32, 16], 0, 1, 'float32', SEED),
      tf.tidy(() => tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', SEED + 1), 10).toFloat()),
    ],
    onCpu: true,
  },
];

/** Trainable parameters (what torch's `requires_grad` count is compared with). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
}

import * as tf from '@tensorflow/tfjs';

import { toTensors } from '../../../datasets/to-tensors';
import { numSamples, type DatasetSplits } from '../../../datasets/types';
import { InvalidArgumentError, TrialPruned } from '../../errors';
import { Rng } from '../../random';
import { EPOCH_LOG_KEY } from '../../trial/epoch-log';
import type { JsonValue } from '../../trial/json';
import { silentLogger, type Logger } from '../../util/logger';
import { dartsNetworkOf } from '../darts-model';
import type { DartsNetwork } from '../darts-layers';
import { formatGenotype, type Genotype } from '../genotype';
import { alphaWeightsOf, summarizeAlphas, type AlphaWeights } from './alpha-stats';
import {
  gradientPass,
  secondOrderAlphaGradient,
  supernetVariables,
  type Batch,
  type SupernetVariables,
} from './gradients';
import { AdamL2, clipByGlobalNorm, MomentumSgd } from './optimizers';
import { cosineLearningRate, type ResolvedBilevelOptions } from './options';

/** What the search writes to its trial (a `Trial` has all of it). */
export interface SearchTrial {
  report(value: number, step: number): void;
  shouldPrune(): boolean;
  setUserAttr(key: string, value: JsonValue): void;
  setSystemAttr(key: string, value: JsonValue): void;
}

/** One epoch of search, as stored in the trial's `epoch_log` (so the report plots it like any fit). */
export interface SearchEpoch {
  readonly epoch: number;
  readonly seconds: number;
  /** The weights' learning rate this epoch (cosine schedule). */
  readonly learning_rate: number;
  /** Training split, measured on the weight steps' batches. */
  readonly loss: number;
  readonly acc: number;
  /** Validation split, the supernet in inference mode after the epoch. */
  readonly val_loss: number;
  readonly val_acc: number;
  readonly alpha_entropy_normal: number;
  readonly alpha_entropy_reduce: number;
  /** `skip_connect` edges of the genotype α derives to now. */
  readonly skip_count_normal: number;
  readonly skip_count_reduce: number;
}

export interface BilevelResult {
  /** The genotype α derives to when the search ended. */
  readonly genotype: Genotype;
  readonly alphas: AlphaWeights;
  readonly epochs: readonly SearchEpoch[];
  /** 'early-stop': DARTS+'s rule fired (`earlyStopSkips`). */
  readonly stopped: 'completed' | 'early-stop';
}

/** User attribute holding the genotype of the latest epoch (JSON form). */
export const GENOTYPE_ATTR = 'genotype';

export interface BilevelRun {
  readonly trial?: SearchTrial;
  readonly logger?: Logger;
}

/** Batches of `indices` in order; the last may be short. */
function batchesOf(indices: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += size) out.push(indices.slice(i, i + size));
  return out;
}

function take(all: { xs: tf.Tensor; ys: tf.Tensor }, rows: readonly number[]): Batch {
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows.slice(), 'int32');
    return { x: tf.gather(all.xs, idx) as tf.Tensor4D, y: tf.gather(all.ys, idx) as tf.Tensor2D };
  });
}

/** Validation loss and accuracy with batch norm on its moving statistics. */
function evaluate(
  network: DartsNetwork,
  all: { xs: tf.Tensor; ys: tf.Tensor },
  n: number,
  batchSize: number,
): [number, number] {
  let loss = 0;
  let correct = 0;
  for (const rows of batchesOf(
    Array.from({ length: n }, (_, i) => i),
    batchSize,
  )) {
    const batch = take(all, rows);
    const [l, c] = tf.tidy(() => {
      const logits = network.apply(batch.x, { training: false }) as tf.Tensor2D;
      const sum = tf.mul(tf.losses.softmaxCrossEntropy(batch.y, logits), rows.length);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(batch.y, 1)), 'float32'));
      return [sum.dataSync()[0] as number, hits.dataSync()[0] as number];
    });
    tf.dispose([batch.x, batch.y]);
    loss += l;
    correct += c;
  }
  return [loss / n, correct / n];
}

function stepAlphas(
  network: DartsNetwork,
  vars: SupernetVariables,
  train: Batch,
  val: Batch,
  alphaOptimizer: AdamL2,
  weightOptimizer: MomentumSgd,
  options: ResolvedBilevelOptions,
  learningRate: number,
): void {
  const pass =
    options.order === 'first'
      ? gradientPass(network, val, vars.alphas)
      : secondOrderAlphaGradient({
          network,
          vars,
          train,
          val,
          learningRate,
          direction: (g) => weightOptimizer.direction(g),
        });
  alphaOptimizer.step(pass.grads);
  tf.dispose(pass.grads);
}

/**
 * DARTS' bilevel search on a supernet (`dartsModel({ genotype: null })`): each step first updates α on
 * a validation batch (first or second order), then the weights on a training batch (SGD, momentum,
 * weight decay, clipping; cosine learning rate per epoch). After each epoch the trial gets the
 * validation accuracy as its intermediate value (so pruners act), the epoch log (losses, accuracies,
 * α entropy, skip counts) and the current genotype; a pruned trial raises `TrialPruned`.
 */
export async function runBilevelSearch(
  model: tf.LayersModel,
  data: DatasetSplits,
  options: ResolvedBilevelOptions,
  run: BilevelRun = {},
): Promise<BilevelResult> {
  const nTrain = numSamples(data.train);
  const nVal = numSamples(data.val);
  if (nTrain === 0) throw new InvalidArgumentError('data.train', 0, 'at least one row (the weights train on it)');
  if (nVal === 0) throw new InvalidArgumentError('data.val', 0, 'at least one row (α trains on it)');
  const logger = run.logger ?? silentLogger;
  const network = dartsNetworkOf(model);
  const vars = supernetVariables(network);
  const train = toTensors(data.train, { oneHot: true });
  const val = toTensors(data.val, { oneHot: true });
  const weightOptimizer = new MomentumSgd(vars.weights, options.weights.momentum, options.weights.weightDecay);
  const alphaOptimizer = new AdamL2(vars.alphas, options.alpha);
  const rng = new Rng(options.seed).derive('darts-search');
  const epochs: SearchEpoch[] = [];
  let summary = summarizeAlphas(alphaWeightsOf(vars.alphas));
  let stopped: BilevelResult['stopped'] = 'completed';
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const started = performance.now();
      const learningRate = cosineLearningRate(options.weights, epoch, options.epochs);
      const order = rng.derive('epoch', epoch);
      const trainBatches = batchesOf(order.shuffle(Array.from({ length: nTrain }, (_, i) => i)), options.batchSize);
      const valBatches = batchesOf(order.shuffle(Array.from({ length: nVal }, (_, i) => i)), options.batchSize);
      let lossSum = 0;
      let correct = 0;
      for (let step = 0; step < trainBatches.length; step++) {
        const trainBatch = take(train, trainBatches[step] as number[]);
        const valBatch = take(val, valBatches[step % valBatches.length] as number[]);
        try {
          stepAlphas(network, vars, trainBatch, valBatch, alphaOptimizer, weightOptimizer, options, learningRate);
          const pass = gradientPass(network, trainBatch, vars.weights);
          const clipped = clipByGlobalNorm(pass.grads, options.weights.gradClip);
          weightOptimizer.step(clipped, learningRate);
          tf.dispose([...pass.grads, ...clipped]);
          lossSum += pass.loss * trainBatch.x.shape[0];
          correct += pass.correct;
        } finally {
          tf.dispose([trainBatch.x, trainBatch.y, valBatch.x, valBatch.y]);
        }
        await tf.nextFrame(); // let timers and I/O (the dashboard, heartbeats) run between steps
      }
      const [valLoss, valAcc] = evaluate(network, val, nVal, options.batchSize);
      summary = summarizeAlphas(alphaWeightsOf(vars.alphas));
      const record: SearchEpoch = {
        epoch,
        seconds: Number(((performance.now() - started) / 1000).toFixed(4)),
        learning_rate: learningRate,
        loss: lossSum / nTrain,
        acc: correct / nTrain,
        val_loss: valLoss,
        val_acc: valAcc,
        alpha_entropy_normal: summary.alphaEntropyNormal,
        alpha_entropy_reduce: summary.alphaEntropyReduce,
        skip_count_normal: summary.skipCountNormal,
        skip_count_reduce: summary.skipCountReduce,
      };
      epochs.push(record);
      logger.info(
        `darts search epoch ${epoch + 1}/${options.epochs}: loss ${record.loss.toFixed(4)}, val_acc ${valAcc.toFixed(4)}, α entropy ${summary.alphaEntropyNormal.toFixed(3)}, skips ${summary.skipCountNormal}`,
      );
      if (run.trial !== undefined) {
        run.trial.setSystemAttr(EPOCH_LOG_KEY, epochs.map((e) => ({ ...e })) as JsonValue);
        run.trial.setUserAttr(GENOTYPE_ATTR, summary.genotype as unknown as JsonValue);
        run.trial.report(valAcc, epoch);
        if (run.trial.shouldPrune()) throw new TrialPruned(`darts search pruned after epoch ${epoch}`);
      }
      if (options.earlyStopSkips !== false && summary.skipCountNormal >= options.earlyStopSkips) {
        logger.info(
          `darts search: stopped after epoch ${epoch + 1} (DARTS+ rule: the normal cell has ${summary.skipCountNormal} skip_connect edges, earlyStopSkips ${options.earlyStopSkips})`,
        );
        stopped = 'early-stop';
        break;
      }
    }
  } finally {
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
    weightOptimizer.dispose();
    alphaOptimizer.dispose();
  }
  if (summary.skipCountNormal > 2) {
    logger.warn(
      `darts search: the derived normal cell has ${summary.skipCountNormal} skip_connect edges (more than 2): the search may have collapsed; consider earlyStopSkips: 2 (DARTS+) or fewer epochs\n${formatGenotype(summary.genotype)}`,
    );
  }
  return { genotype: summary.genotype, alphas: alphaWeightsOf(vars.alphas), epochs, stopped };
}

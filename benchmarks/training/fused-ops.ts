/**
 * The zoo's fused training ops against tfjs's stock ones, in one process and interleaved (so load
 * drift on a shared machine hits both alike): the zoo `lstm` (fused LSTM, uni- and bidirectional)
 * and `mlp` (fused dense, L2, cross-entropy and Adam; dropout's single-op mask) built as they ship,
 * and a stock twin with tfjs-layers' own LSTM / dense, `tf.regularizers.l2`, loss, `tf.train.adam`
 * and `tf.dropout` — the same architecture, weights and batch. Reports CPU ms per `trainOnBatch` (process CPU time,
 * steadier than wall time when other processes compete) and the median of the per-round speedups.
 *
 *   node -r ./test/helpers/register-ts.js benchmarks/training/fused-ops.ts [--quick]
 */
import * as tf from '@tensorflow/tfjs';

import { syntheticImdb, syntheticTabular, toTensors } from '../../src/api/datasets';
import { lstm, mlp } from '../../src/api/models';
import { initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { type BenchResult, toMarkdown } from '../result';
import { median } from './stats';

/** `tf.dropout` with a fresh seed per call: what the zoo's SeededDropout did before its one-op mask. */
class StockDropout extends tf.layers.Layer {
  static readonly className = 'TfjsTuneBenchStockDropout';
  private calls = 0;

  constructor(private readonly rate: number) {
    super({});
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return kwargs['training'] === true ? tf.dropout(x, this.rate, undefined, ++this.calls) : tf.clone(x);
  }
}

/** The same layers with tfjs's stock classes (LSTM, Dense, L1L2, dropout), weights copied. */
function stockTwin(zoo: tf.Sequential, learningRate: number): tf.LayersModel {
  const model = tf.sequential();
  for (const layer of zoo.layers) {
    const config: Record<string, unknown> = { ...layer.getConfig(), name: undefined };
    const l2 = (config['kernelRegularizer'] as { config?: { l2?: number } } | undefined)?.config?.l2;
    if (l2 !== undefined) config['kernelRegularizer'] = tf.regularizers.l2({ l2 });
    switch (layer.getClassName()) {
      case 'TfjsTuneFusedLSTM':
        model.add(tf.layers.lstm(config as never));
        break;
      case 'Bidirectional': {
        const forward = (layer as unknown as { forwardLayer: tf.layers.Layer }).forwardLayer;
        const inner = { ...(forward.getConfig() as Record<string, unknown>), name: undefined };
        model.add(tf.layers.bidirectional({ layer: tf.layers.lstm(inner as never), mergeMode: 'concat' }));
        break;
      }
      case 'TfjsTuneFusedDense':
        model.add(tf.layers.dense(config as never));
        break;
      case 'Embedding':
        model.add(tf.layers.embedding(config as never));
        break;
      case 'TfjsTuneSeededDropout':
        model.add(new StockDropout(config['rate'] as number));
        break;
      default:
        throw new Error(`no stock twin for ${layer.getClassName()}`);
    }
  }
  model.setWeights(zoo.getWeights());
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return model;
}

interface Case {
  readonly name: string;
  readonly build: () => tf.Sequential;
  readonly learningRate: number;
  readonly batch: () => [tf.Tensor, tf.Tensor];
}

const CASES: readonly Case[] = [
  {
    name: 'lstm',
    build: () =>
      lstm.build(lstm.defaults, { inputShape: [50], numClasses: 2, vocabSize: 1000, seed: 1 }) as tf.Sequential,
    learningRate: lstm.defaults['learning_rate'] as number,
    batch: () => {
      const { xs, ys } = toTensors(syntheticImdb({ nTrain: 32, nVal: 0, vocabSize: 1000, maxLen: 50, seed: 1 }).train, {
        oneHot: true,
      });
      return [xs, ys];
    },
  },
  {
    name: 'lstm bidirectional',
    build: () =>
      lstm.build(
        { ...lstm.defaults, bidirectional: true },
        { inputShape: [50], numClasses: 2, vocabSize: 1000, seed: 1 },
      ) as tf.Sequential,
    learningRate: lstm.defaults['learning_rate'] as number,
    batch: () => {
      const { xs, ys } = toTensors(syntheticImdb({ nTrain: 32, nVal: 0, vocabSize: 1000, maxLen: 50, seed: 1 }).train, {
        oneHot: true,
      });
      return [xs, ys];
    },
  },
  {
    name: 'mlp',
    build: () => mlp.build(mlp.defaults, { inputShape: [64], numClasses: 2, seed: 1 }) as tf.Sequential,
    learningRate: mlp.defaults['learning_rate'] as number,
    batch: () => {
      const { xs, ys } = toTensors(
        syntheticTabular({ nTrain: 32, nVal: 0, nFeatures: 64, nInformative: 16, seed: 1 }).train,
        {
          oneHot: true,
        },
      );
      return [xs, ys];
    },
  },
];

async function cpuMsPerStep(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, steps: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / steps;
}

export async function fusedOps(options: { quick?: boolean } = {}): Promise<BenchResult> {
  await initBackend({ backend: 'wasm' });
  const rounds = options.quick === true ? 5 : 15;
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  for (const c of CASES) {
    const fused = c.build();
    const stock = stockTwin(fused, c.learningRate);
    const [xs, ys] = c.batch();
    // Aim at ~0.3 s per side and round, from one timed step of the slower (stock) side.
    for (let i = 0; i < 3; i++) await Promise.all([fused.trainOnBatch(xs, ys), stock.trainOnBatch(xs, ys)]);
    const steps = Math.max(3, Math.round(300 / (await cpuMsPerStep(stock, xs, ys, 2))));
    const times = { stock: [] as number[], fused: [] as number[] };
    const speedups: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const s = await cpuMsPerStep(stock, xs, ys, steps);
      const f = await cpuMsPerStep(fused, xs, ys, steps);
      times.stock.push(s);
      times.fused.push(f);
      speedups.push(s / f);
    }
    tf.dispose([xs, ys]);
    disposeModel(fused);
    disposeModel(stock);
    const speedup = median(speedups);
    rows.push({
      model: c.name,
      stepsPerRound: steps,
      stockCpuMs: median(times.stock),
      fusedCpuMs: median(times.fused),
      speedup,
    });
    ratios[`${c.name}: stock ÷ fused CPU ms per step`] = speedup;
  }
  return {
    name: 'training-fused-ops',
    description:
      `wasm trainOnBatch (batch 32), zoo models as shipped (fused ops) vs a stock-tfjs twin with the ` +
      `same weights; CPU ms per step, medians of ${rounds} interleaved rounds; speedup = median of ` +
      `per-round stock ÷ fused.`,
    rows,
    ratios,
  };
}

if (require.main === module) {
  fusedOps({ quick: process.argv.includes('--quick') })
    .then((result) => process.stdout.write(`${toMarkdown(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

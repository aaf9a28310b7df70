/** Data and a model the tuner tests share: tiny enough to train many trials in a test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { Rng } from '../../src/random/rng';
import type { HyperParameters } from '../../src/tuners/hyperparameters';

/**
 * Two noisy Gaussian blobs in 4-D, centred at -centre and +centre (unit noise), one-hot labels:
 * learnable in a few epochs by a tiny net.
 */
export function blobs(n: number, seed: number, centre = 1): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = new Rng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    for (let d = 0; d < 4; d++) xs.push(rng.normal(c === 0 ? -centre : centre, 1));
    ys.push(c === 0 ? 1 : 0, c === 0 ? 0 : 1);
  }
  return { x: tf.tensor2d(xs, [n, 4]), y: tf.tensor2d(ys, [n, 2]) };
}

/**
 * `buildModel` for {@link blobs}: one hidden layer of `units` (searched between `minUnits` and
 * `maxUnits` in steps of `step`) and Adam with a log-uniform `lr`; initialisers are seeded.
 */
export function tinyModel(minUnits: number, maxUnits: number, step: number): (hp: HyperParameters) => tf.LayersModel {
  return (hp) => {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        inputShape: [4],
        units: hp.Int('units', minUnits, maxUnits, { step }),
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    );
    model.add(
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    );
    model.compile({
      optimizer: tf.train.adam(hp.Float('lr', 1e-3, 1e-1, { sampling: 'log' })),
      loss: 'categoricalCrossentropy',
      metrics: ['acc'],
    });
    return model;
  };
}

/** What {@link useTunerData} sets up for a describe block. */
export interface TunerData {
  readonly train: { x: tf.Tensor2D; y: tf.Tensor2D };
  readonly val: { x: tf.Tensor2D; y: tf.Tensor2D };
  readonly fitArgs: { validationData: [tf.Tensor, tf.Tensor]; batchSize: number };
  /** A temporary checkpoint directory, removed after the block. */
  readonly dir: () => string;
}

/**
 * Registers the hooks of a tuner test block: the cpu backend, 48 training and 32 validation blobs
 * (centres at ±0.5), a temporary directory; tensors and directory are freed after the block.
 */
export function useTunerData(prefix: string): TunerData {
  const train = blobs(48, 1, 0.5);
  const val = blobs(32, 2, 0.5);
  let dir = '';
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    tf.dispose([train.x, train.y, val.x, val.y]);
  });
  return { train, val, fitArgs: { validationData: [val.x, val.y], batchSize: 24 }, dir: () => dir };
}

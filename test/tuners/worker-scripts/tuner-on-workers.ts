// A user's tuning script with `workers: 2`, run as its own process by test/tuners/tuner-workers.test.ts
// (`node -r register-ts.js tuner-on-workers.ts KIND DB LOG`). As with KerasTuner's distributed
// tuning, the script runs again in each worker thread; every model built is logged with the thread
// that built it, so the test can tell who trained.
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../../src';
import type { HyperParameters } from '../../../src/tuners/hyperparameters';
import { blobs } from '../fixtures';

const [kind, db, log] = process.argv.slice(2) as [string, string, string];

function build(hp: HyperParameters): tf.LayersModel {
  appendFileSync(log, `${threadId}\n`);
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [4],
      units: hp.Int('units', 4, 12, { step: 4 }),
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(
    tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  );
  model.compile({
    optimizer: tf.train.adam(hp.Float('learning_rate', 1e-3, 1e-1, { sampling: 'log' })),
    loss: 'categoricalCrossentropy',
    metrics: ['acc'],
  });
  return model;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const train = blobs(48, 1, 0.5);
  const val = blobs(32, 2, 0.5);
  const common = {
    objective: 'val_acc',
    storage: `sqlite:${db}`,
    studyName: kind,
    directory: `${db}.checkpoints`,
    seed: 3,
    workers: 2,
    logger: tune.logging.silentLogger,
  } as const;
  const fit = { validationData: [val.x, val.y] as [tf.Tensor, tf.Tensor], batchSize: 16 };
  let tuner: tune.tuners.Tuner;
  if (kind === 'random') {
    tuner = new tune.tuners.RandomSearch(build, { ...common, maxTrials: 6 });
    await tuner.search(train.x, train.y, { ...fit, epochs: 2 });
  } else if (kind === 'asha') {
    tuner = new tune.tuners.ASHA(build, { ...common, maxEpochs: 4, factor: 2, maxTrials: 6 });
    await (tuner as tune.tuners.ASHA).search(train.x, train.y, fit);
  } else {
    tuner = new tune.tuners.PopulationBasedTraining(build, {
      ...common,
      populationSize: 4,
      perturbationInterval: 1,
      totalEpochs: 3,
      quantileFraction: 0.5,
      hyperparamMutations: ['learning_rate'],
    });
    await (tuner as tune.tuners.PopulationBasedTraining).search(train.x, train.y, fit);
  }
  // Only the chief gets here: a worker's search() never returns.
  const [best] = await tuner.getBestHyperparameters(1);
  process.stdout.write(`${JSON.stringify({ thread: threadId, best })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

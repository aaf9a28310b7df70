/**
 * One process timing the zoo CNN's wasm training step (batch 32, 150 steps after 10 warm-up) and
 * printing the ms per step: the worker-scaling benchmark runs one, then two at once, to measure how
 * much two busy cores of this machine slow each other down with nothing of tfjs-tune's shared.
 *
 *   node dist/benchmarks/training/step-probe.js
 */
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { TRAINING_CASES } from './zoo-cases';

export async function cnnStepMs(steps = 150): Promise<number> {
  await initBackend({ backend: 'wasm', log: () => undefined });
  const c = TRAINING_CASES.find((t) => t.name === 'cnn');
  if (c === undefined) throw new Error('step-probe: no cnn case');
  const model = c.build();
  const [xs, ys] = c.batch(32);
  try {
    for (let i = 0; i < 10; i++) await model.trainOnBatch(xs, ys);
    const start = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
    return (performance.now() - start) / steps;
  } finally {
    tf.dispose([xs, ys]);
    disposeModel(model);
  }
}

if (require.main === module) {
  cnnStepMs()
    .then((ms) => process.stdout.write(`${ms}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

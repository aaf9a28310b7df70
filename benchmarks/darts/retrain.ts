import * as tf from '@tensorflow/tfjs';

import { toTensors } from '../../datasets/to-tensors';
import type { DatasetSplits } from '../../datasets/types';
import { dartsHyperModel } from '../../models/darts';
import { PRIMITIVES } from '../../src/nas/primitives';
import { NODES, edgeOffset, EDGES } from '../../src/nas/cells';
import type { Genotype, CellGenotype } from '../../src/nas/genotype';
import { suggestGenotype } from '../../src/nas/genotype-space';
import { Rng } from '../../src/random';
import { disposeModel } from '../../src/training/dispose-model';
import { buildContextFor, seededTensors } from '../../src/training/trial-tensors';

/** The bench's network and training sizes. */
export interface DartsBenchSizes {
  readonly channels: number;
  readonly cells: number;
  readonly epochs: number;
  readonly batchSize: number;
}

/** A genotype drawn uniformly from the DARTS space (each node: an input pair, two ops), seeded. */
export function randomGenotype(rng: Rng): Genotype {
  return suggestGenotype({
    suggestFloat: (_, low) => low,
    suggestInt: (_, low) => low,
    suggestCategorical: (_, choices) => rng.choice(choices),
  });
}

/**
 * Trains `genotype` from scratch on `data.train` (seeded order and initialisation, SGD with momentum
 * at DARTS' 0.025) and returns its accuracy on `data.test` after the last epoch: every architecture
 * of the bench gets exactly this protocol.
 */
export async function retrainAccuracy(
  genotype: Genotype,
  data: DatasetSplits,
  sizes: DartsBenchSizes,
  seed: number,
): Promise<number> {
  const test = data.test;
  if (test === undefined) throw new Error('the DARTS bench needs a test split');
  const hm = dartsHyperModel({ genotype, channels: sizes.channels, cells: sizes.cells });
  const model = hm.build(
    { learning_rate: 0.025, optimizer: 'sgd', batch_size: sizes.batchSize },
    buildContextFor(data, seed),
  );
  const tensors = seededTensors(data, new Rng(seed));
  const held = toTensors(test, { oneHot: true });
  try {
    await model.fit(tensors.train.xs, tensors.train.ys, {
      epochs: sizes.epochs,
      batchSize: sizes.batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [tensors.reshuffleEachEpoch()],
    });
    const scores = model.evaluate(held.xs, held.ys, { batchSize: 64 }) as tf.Scalar[];
    const value = (await (scores[1] as tf.Scalar).data())[0] as number;
    tf.dispose(scores);
    return value;
  } finally {
    tensors.dispose();
    tf.dispose([held.xs, held.ys]);
    disposeModel(model);
  }
}

/**
 * α logits that make the supernet compute `genotype` exactly: each chosen edge one-hot on its op,
 * every other edge one-hot on `none` (exp(-1e4) is 0 in float32). Random search with weight sharing
 * trains and scores sub-architectures of the one supernet this way.
 */
export function genotypeLogits(cell: CellGenotype): number[][] {
  const none = PRIMITIVES.indexOf('none');
  const rows = Array.from({ length: EDGES }, () => PRIMITIVES.map((_, k) => (k === none ? 0 : -1e4)));
  for (let node = 0; node < NODES; node++) {
    for (const edge of cell[node] ?? []) {
      const row = rows[edgeOffset(node) + edge.input] as number[];
      row.fill(-1e4);
      row[PRIMITIVES.indexOf(edge.op)] = 0;
    }
  }
  return rows;
}

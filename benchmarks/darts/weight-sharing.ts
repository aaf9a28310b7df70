import * as tf from '@tensorflow/tfjs';

import { toTensors } from '../../datasets/to-tensors';
import { numSamples, type DatasetSplits } from '../../datasets/types';
import { dartsNetworkOf, supernetFor } from '../../src/nas/darts-model';
import type { DartsNetwork } from '../../src/nas/darts-layers';
import type { Genotype } from '../../src/nas/genotype';
import { gradientPass, supernetVariables, type Batch } from '../../src/nas/search/gradients';
import { clipByGlobalNorm, MomentumSgd } from '../../src/nas/search/optimizers';
import { cosineLearningRate, resolveBilevelOptions } from '../../src/nas/search/options';
import { Rng } from '../../src/random';
import { disposeModel } from '../../src/training/dispose-model';
import { genotypeLogits, randomGenotype, type DartsBenchSizes } from './retrain';

function setArchitecture(network: DartsNetwork, genotype: Genotype): void {
  const [normal, reduce] = network.alphaWeights();
  tf.tidy(() => {
    normal?.write(tf.tensor2d(genotypeLogits(genotype.normal)));
    reduce?.write(tf.tensor2d(genotypeLogits(genotype.reduce)));
  });
}

function batch(all: { xs: tf.Tensor; ys: tf.Tensor }, rows: readonly number[]): Batch {
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows.slice(), 'int32');
    return { x: tf.gather(all.xs, idx) as tf.Tensor4D, y: tf.gather(all.ys, idx) as tf.Tensor2D };
  });
}

/**
 * Li & Talwalkar's random search with weight sharing: the supernet's weights train with a uniformly
 * drawn single path (one genotype) per step, using the search's weight optimiser and schedule; then
 * `candidates` random genotypes are ranked by their accuracy on `data.val` with the shared weights
 * (batch statistics, as during training), and the best is returned.
 */
export async function weightSharingSearch(
  data: DatasetSplits,
  sizes: DartsBenchSizes,
  candidates: number,
  seed: number,
): Promise<{ genotype: Genotype; sharedValAcc: number }> {
  const model = supernetFor(data, { channels: sizes.channels, cells: sizes.cells, seed });
  const network = dartsNetworkOf(model);
  const vars = supernetVariables(network);
  const options = resolveBilevelOptions({ epochs: sizes.epochs, batchSize: sizes.batchSize });
  const sgd = new MomentumSgd(vars.weights, options.weights.momentum, options.weights.weightDecay);
  const train = toTensors(data.train, { oneHot: true });
  const val = toTensors(data.val, { oneHot: true });
  const rng = new Rng(seed).derive('rs-ws');
  const n = numSamples(data.train);
  try {
    for (let epoch = 0; epoch < sizes.epochs; epoch++) {
      const lr = cosineLearningRate(options.weights, epoch, sizes.epochs);
      const order = rng.derive('epoch', epoch).shuffle(Array.from({ length: n }, (_, i) => i));
      for (let i = 0; i < n; i += sizes.batchSize) {
        setArchitecture(network, randomGenotype(rng.derive('path', epoch, i)));
        const b = batch(train, order.slice(i, i + sizes.batchSize));
        const pass = gradientPass(network, b, vars.weights);
        const clipped = clipByGlobalNorm(pass.grads, options.weights.gradClip);
        sgd.step(clipped, lr);
        tf.dispose([...pass.grads, ...clipped, b.x, b.y]);
      }
    }
    let best: { genotype: Genotype; sharedValAcc: number } | undefined;
    for (let k = 0; k < candidates; k++) {
      const genotype = randomGenotype(rng.derive('candidate', k));
      setArchitecture(network, genotype);
      const acc = tf.tidy(() => {
        const logits = network.apply(val.xs, { training: true }) as tf.Tensor2D;
        return tf
          .mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(val.ys, 1)), 'float32'))
          .dataSync()[0] as number;
      });
      if (best === undefined || acc > best.sharedValAcc) best = { genotype, sharedValAcc: acc };
    }
    return best as { genotype: Genotype; sharedValAcc: number };
  } finally {
    sgd.dispose();
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
    disposeModel(model);
  }
}

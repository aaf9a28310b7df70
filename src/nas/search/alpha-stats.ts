import * as tf from '@tensorflow/tfjs';

import { deriveGenotype, skipCount, type Genotype } from '../genotype';

/** softmax(α) of both cell kinds as plain rows ([14][8] each). */
export interface AlphaWeights {
  readonly normal: number[][];
  readonly reduce: number[][];
}

export function alphaWeightsOf(alphas: readonly tf.Tensor[]): AlphaWeights {
  const [normal, reduce] = alphas.map((a) => tf.tidy(() => tf.softmax(a).arraySync() as number[][]));
  return { normal: normal as number[][], reduce: reduce as number[][] };
}

/**
 * Mean over the edges of the entropy (nats) of each edge's op weights: ln 8 ≈ 2.08 at the start, falling
 * as the search commits. A fall to near 0 with many skips is the collapse DARTS+ and DARTS− describe.
 */
export function meanEntropy(rows: readonly (readonly number[])[]): number {
  const h = rows.map((row) => -row.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0));
  return h.reduce((a, b) => a + b, 0) / Math.max(1, h.length);
}

/** What an epoch of search says about α: the genotype it derives to and the collapse signals. */
export interface AlphaSummary {
  readonly genotype: Genotype;
  readonly alphaEntropyNormal: number;
  readonly alphaEntropyReduce: number;
  readonly skipCountNormal: number;
  readonly skipCountReduce: number;
}

export function summarizeAlphas(weights: AlphaWeights): AlphaSummary {
  const genotype = deriveGenotype(weights.normal, weights.reduce);
  return {
    genotype,
    alphaEntropyNormal: meanEntropy(weights.normal),
    alphaEntropyReduce: meanEntropy(weights.reduce),
    skipCountNormal: skipCount(genotype.normal),
    skipCountReduce: skipCount(genotype.reduce),
  };
}

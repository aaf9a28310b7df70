import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { Rng } from '../random/rng';
import type { AcquisitionName } from './acquisition';
import type { CholeskyOptions } from './cholesky';
import type { KernelName } from './kernels';
import { localCandidates } from './local-candidates';
import { fitHyperparameters } from './marginal-likelihood';
import { optimizeAcquisition, type AcquisitionOptimum } from './optimize-acquisition';
import { GPPosterior, type GPHyperparameters } from './posterior';
import { warpOutputs } from './output-warping';
import type { SearchSpaceEncoding } from './search-space-encoding';

/**
 * How points being evaluated elsewhere (RUNNING trials) enter the model, so that parallel workers
 * do not all pick the same point: as if they had returned the worst value seen (`constantLiar`), or
 * the posterior mean there (`krigingBeliever`). Either way the hyperparameters come from completed
 * trials alone and the pending points only shrink the variance around themselves.
 */
export type BatchStrategy = 'constantLiar' | 'krigingBeliever';

export const BATCH_STRATEGIES: readonly BatchStrategy[] = ['constantLiar', 'krigingBeliever'];

export interface SuggestInput {
  readonly encoding: SearchSpaceEncoding;
  /** Encoded points of completed trials. */
  readonly observed: readonly Float64Array[];
  /** Their values, oriented so that larger is better. */
  readonly values: ArrayLike<number>;
  /** Encoded points of running trials. */
  readonly pending: readonly Float64Array[];
  readonly kernel: KernelName;
  readonly acquisition: AcquisitionName;
  readonly deterministic: boolean;
  readonly batchStrategy: BatchStrategy;
  /** Encoded quasi-random candidates for the acquisition search. */
  readonly candidates: readonly Float64Array[];
  /** Draws the hyperparameter restarts (and, through a derived stream, the local candidates). */
  readonly rng: Rng;
  readonly restarts?: number;
  readonly cholesky?: CholeskyOptions;
}

export interface SuggestOutput extends AcquisitionOptimum {
  readonly hyperparameters: GPHyperparameters;
}

/**
 * One Bayesian-optimisation step: warp the outputs (standardised, Yeo-Johnson, standardised), fit the
 * hyperparameters, build the posterior, maximise the acquisition over the quasi-random candidates and
 * perturbations of the best observed points.
 */
export function suggestPoint(input: SuggestInput): SuggestOutput | null {
  const n = input.observed.length;
  if (n === 0 || input.values.length !== n) {
    throw new InvalidArgumentError(
      'suggestPoint observed/values',
      [n, input.values.length],
      'as many values as (>= 1) points',
    );
  }
  const y = warpOutputs(input.values);
  const dims = input.encoding.dims;
  const xObserved = toTensor(input.observed, dims);
  const owned: { dispose(): void }[] = [xObserved];
  try {
    const hp = fitHyperparameters(xObserved, y.values, {
      kernel: input.kernel,
      columnParam: input.encoding.columnParam,
      deterministic: input.deterministic,
      rng: input.rng,
      ...(input.restarts === undefined ? {} : { restarts: input.restarts }),
      ...(input.cholesky === undefined ? {} : { cholesky: input.cholesky }),
    });
    let posterior = GPPosterior.fit(input.kernel, xObserved, y.values, hp, input.cholesky);
    owned.push(posterior);
    if (input.pending.length > 0) {
      const lies = pendingValues(input.batchStrategy, posterior, input.pending, y.values);
      const xAll = toTensor([...input.observed, ...input.pending], dims);
      owned.push(xAll);
      posterior = GPPosterior.fit(input.kernel, xAll, [...y.values, ...lies], hp, input.cholesky);
      owned.push(posterior);
    }
    let best = -Infinity;
    let incumbent = 0;
    y.values.forEach((v, i) => {
      if (v > best) {
        best = v;
        incumbent = i;
      }
    });
    const optimum = optimizeAcquisition({
      posterior,
      acquisition: { name: input.acquisition, best },
      encoding: input.encoding,
      candidates: input.candidates,
      localCandidates: localCandidates(input.encoding, input.observed, y.values, input.rng.derive('local')),
      extraStarts: [input.observed[incumbent] as Float64Array],
    });
    return optimum === null ? null : { ...optimum, hyperparameters: hp };
  } finally {
    for (const o of owned) o.dispose();
  }
}

/** The values pending points are taken to have: the worst seen, or the posterior mean there. */
function pendingValues(
  strategy: BatchStrategy,
  posterior: GPPosterior,
  pending: readonly Float64Array[],
  y: Float64Array,
): number[] {
  if (strategy === 'constantLiar') return pending.map(() => Math.min(...y));
  const { mean } = posterior.predictArrays(pending);
  return Array.from(mean, (m) => (Number.isFinite(m) ? m : Math.min(...y)));
}

function toTensor(rows: readonly Float64Array[], dims: number): tf.Tensor2D {
  const flat = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => flat.set(r, i * dims));
  return tf.tensor2d(flat, [rows.length, dims]);
}

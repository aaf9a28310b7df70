import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { Rng } from '../random/rng';
import type { AcquisitionName } from './acquisition';
import type { CholeskyOptions } from './cholesky';
import type { KernelName } from './kernels';
import { localCandidates } from './local-candidates';
import { fitHyperparameters } from './marginal-likelihood';
import { lengthscalesOf, optimizeAcquisition, type AcquisitionOptimum } from './optimize-acquisition';
import { GPPosterior, standardize, type GPHyperparameters, type Standardized } from './posterior';
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
  /** Draws the hyperparameter restarts (and, through derived streams, the local candidates and the search's starts). */
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
  const model = fitModel(input, input.values, input.rng, true);
  try {
    const { posterior, hyperparameters: hp, y } = model;
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
      rng: input.rng.derive('starts'),
      lengthscales: lengthscalesOf(hp.inverseSquaredLengthscales),
    });
    return optimum === null ? null : { ...optimum, hyperparameters: hp };
  } finally {
    model.dispose();
  }
}

/** What {@link fitModel} needs of a suggestion's input. */
export type ModelInput = Pick<
  SuggestInput,
  'encoding' | 'observed' | 'pending' | 'kernel' | 'deterministic' | 'batchStrategy' | 'restarts' | 'cholesky'
>;

/** One GP fitted to one series of values, with its pending points folded in. Owns its tensors. */
export interface FittedModel {
  readonly posterior: GPPosterior;
  readonly hyperparameters: GPHyperparameters;
  /** The values the GP was fitted to (standardised, and warped when asked). */
  readonly y: Standardized;
  dispose(): void;
}

/**
 * Standardises (and, with `warp`, Yeo-Johnson warps) `values`, fits the hyperparameters to the
 * observed points, builds the posterior and, when points are pending, refits it with their lies.
 */
export function fitModel(input: ModelInput, values: ArrayLike<number>, rng: Rng, warp: boolean): FittedModel {
  const y = warp ? warpOutputs(values) : standardize(values);
  const dims = input.encoding.dims;
  const xObserved = toTensor(input.observed, dims);
  const owned: { dispose(): void }[] = [xObserved];
  const dispose = (): void => {
    for (const o of owned) o.dispose();
  };
  try {
    const hp = fitHyperparameters(xObserved, y.values, {
      kernel: input.kernel,
      columnParam: input.encoding.columnParam,
      deterministic: input.deterministic,
      rng,
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
    return { posterior, hyperparameters: hp, y, dispose };
  } catch (error) {
    dispose();
    throw error;
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

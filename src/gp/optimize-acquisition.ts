import { InvalidArgumentError } from '../errors';
import type { Rng } from '../random/rng';
import { type AcquisitionOptions, acquisitionValue } from './acquisition';
import { type AcquisitionEvaluator, scoreWith } from './acquisition-batch';
import { localSearchMixed } from './local-search-mixed';
import type { GPPosterior } from './posterior';
import { rouletteStarts } from './roulette-starts';
import type { SearchSpaceEncoding } from './search-space-encoding';

export { type AcquisitionEvaluator, scoreWith } from './acquisition-batch';

export interface AcquisitionSearchOptions {
  /** With `acquisition`: one GP and a closed-form acquisition of its mean and variance. */
  readonly posterior?: GPPosterior;
  readonly acquisition?: AcquisitionOptions;
  /** Any other acquisition (LogEHVI, constrained): used instead of `posterior` and `acquisition`. */
  readonly evaluate?: AcquisitionEvaluator;
  readonly encoding: SearchSpaceEncoding;
  /** Encoded preliminary points (quasi-random), scored in batches; the roulette picks starts among them. */
  readonly candidates: readonly Float64Array[];
  /** Encoded points near the best observed ones, scored and drawn from together with `candidates`. */
  readonly localCandidates?: readonly Float64Array[];
  /** Starts that are always searched from (the best trial, or Pareto-optimal ones). */
  readonly extraStarts?: readonly Float64Array[];
  /** Local searches in all, extra starts included (at least one from the preliminary points). Default 10. */
  readonly localStarts?: number;
  /** Draws the roulette's starts. */
  readonly rng: Rng;
  /** Lengthscale per encoded column, which preconditions the gradient steps. Default 1. */
  readonly lengthscales?: ArrayLike<number>;
  /** L-BFGS iterations per gradient phase. Default 200. */
  readonly maxIterations?: number;
}

export interface AcquisitionOptimum {
  /** The encoded point, already on the parameters' grid. */
  readonly x: Float64Array;
  readonly value: number;
  /** 'refined' when local search moved the winning start, 'candidate' when it was best as drawn. */
  readonly source: 'refined' | 'candidate';
}

/** Acquisition values of encoded points, in batches of one tensor op each; NaN stays NaN. */
export function scorePoints(
  posterior: GPPosterior,
  acquisition: AcquisitionOptions,
  points: readonly Float64Array[],
): Float64Array {
  return scoreWith(closedForm(posterior, acquisition), points);
}

function closedForm(posterior: GPPosterior, acquisition: AcquisitionOptions): AcquisitionEvaluator {
  return (points) => {
    const { mean, variance } = posterior.predict(points);
    return acquisitionValue(acquisition, mean, variance);
  };
}

function evaluatorOf(options: AcquisitionSearchOptions): AcquisitionEvaluator {
  if (options.evaluate !== undefined) return options.evaluate;
  if (options.posterior === undefined || options.acquisition === undefined) {
    throw new InvalidArgumentError(
      'optimizeAcquisition options',
      Object.keys(options),
      'evaluate, or posterior and acquisition',
    );
  }
  return closedForm(options.posterior, options.acquisition);
}

/**
 * Maximises the acquisition over the encoded space as Optuna's `optimize_acqf_mixed` does: scores
 * every preliminary point (snapped to the parameters' grid), starts local searches from the best of
 * them, from more drawn by a roulette on exp(acquisition) ({@link rouletteStarts}) and from the extra
 * starts, and runs {@link localSearchMixed} from all of them at once (bounded L-BFGS on continuous
 * columns, exact searches over discrete ones). Returns the best point found, or null when nothing
 * scored finitely.
 */
export function optimizeAcquisition(options: AcquisitionSearchOptions): AcquisitionOptimum | null {
  const { encoding } = options;
  const evaluate = evaluatorOf(options);
  const pool = [...options.candidates, ...(options.localCandidates ?? [])].map((x) => encoding.snap(x));
  const extras = (options.extraStarts ?? []).map((x) => encoding.snap(x));
  const nStarts = Math.max(1, (options.localStarts ?? 10) - extras.length);
  const chosen = rouletteStarts(scoreWith(evaluate, pool), nStarts, options.rng);
  const starts = [...chosen.map((i) => pool[i] as Float64Array), ...extras];
  if (starts.length === 0) return null;
  const found = localSearchMixed(
    {
      evaluate,
      encoding,
      ...(options.lengthscales === undefined ? {} : { lengthscales: options.lengthscales }),
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
    },
    starts,
  );
  let best = -1;
  found.values.forEach((v, i) => {
    if (Number.isFinite(v) && (best < 0 || v > (found.values[best] as number))) best = i;
  });
  if (best < 0) return null;
  return {
    x: found.xs[best] as Float64Array,
    value: found.values[best] as number,
    source: found.moved[best] === true ? 'refined' : 'candidate',
  };
}

/** Lengthscales (1 / sqrt(w)) of inverse squared lengthscales w, per column. */
export function lengthscalesOf(inverseSquaredLengthscales: ArrayLike<number>): Float64Array {
  return Float64Array.from(inverseSquaredLengthscales as ArrayLike<number>, (w) => 1 / Math.sqrt(w));
}

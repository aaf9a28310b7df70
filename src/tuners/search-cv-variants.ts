import { InvalidArgumentError } from '../errors';
import type { Sampler } from '../samplers/base';
import { GridSampler } from '../samplers/grid';
import { RandomSampler } from '../samplers/random';
import { GPSampler } from '../samplers/gp';
import type { CategoricalChoice } from '../space/distributions';
import { BaseSearchCV, type Estimator, type ParamDistribution, type SearchCVOptions } from './search-cv';

/**
 * Every combination of a parameter grid, each scored by cross-validation (scikit-learn's
 * GridSearchCV).
 *
 * @example
 * ```ts
 * const search = await new tune.GridSearchCV(tune.models.mlp, { units_0: [32, 64], learning_rate: [1e-3, 1e-2] }, { cv: 3, epochs: 5 }).fit(x, y);
 * console.log(search.bestParams, search.bestScore, search.cvResults?.rankTestScore);
 * ```
 */
export class GridSearchCV extends BaseSearchCV {
  constructor(
    estimator: Estimator,
    paramGrid: Readonly<Record<string, readonly CategoricalChoice[]>>,
    options: SearchCVOptions = {},
  ) {
    for (const [name, values] of Object.entries(paramGrid)) {
      if (!Array.isArray(values)) throw new InvalidArgumentError(`paramGrid.${name}`, values, 'a list of values');
    }
    super(estimator, paramGrid, options);
  }

  protected createSampler(seed: number): Sampler {
    return new GridSampler(this.space as Record<string, readonly CategoricalChoice[]>, { seed });
  }

  protected candidates(): number {
    return Object.values(this.space).reduce((n, v) => n * (v as readonly unknown[]).length, 1);
  }
}

export interface RandomizedSearchCVOptions extends SearchCVOptions {
  /** Candidates to draw. Default 10. */
  readonly nIter?: number;
}

function checkNIter(nIter: number | undefined, fallback: number): number {
  const n = nIter ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('nIter', nIter, 'an integer >= 1');
  return n;
}

/** A search that cross-validates `nIter` candidates drawn by its sampler (default `defaultNIter`). */
abstract class SampledSearchCV extends BaseSearchCV {
  protected readonly nIter: number;

  constructor(
    estimator: Estimator,
    spaces: Readonly<Record<string, ParamDistribution>>,
    options: RandomizedSearchCVOptions,
    defaultNIter: number,
  ) {
    super(estimator, spaces, options);
    this.nIter = checkNIter(options.nIter, defaultNIter);
  }

  protected candidates(): number {
    return this.nIter;
  }
}

/**
 * `nIter` candidates drawn at random from lists or ranges (scikit-learn's RandomizedSearchCV).
 *
 * @example
 * ```ts
 * const search = await new tune.RandomizedSearchCV(tune.models.mlp, { learning_rate: { low: 1e-4, high: 1e-1, log: true }, units_0: [32, 64, 128] }, { nIter: 8, cv: 3 }).fit(x, y);
 * ```
 */
export class RandomizedSearchCV extends SampledSearchCV {
  constructor(
    estimator: Estimator,
    paramDistributions: Readonly<Record<string, ParamDistribution>>,
    options: RandomizedSearchCVOptions = {},
  ) {
    super(estimator, paramDistributions, options, 10);
  }

  protected createSampler(seed: number): Sampler {
    return new RandomSampler({ seed });
  }
}

/**
 * `nIter` candidates proposed by Bayesian optimisation (scikit-optimize's BayesSearchCV): a Gaussian
 * process over the search spaces, each new candidate chosen from the cross-validated scores so far.
 *
 * @example
 * ```ts
 * const search = await new tune.BayesSearchCV(tune.models.mlp, { learning_rate: { low: 1e-4, high: 1e-1, log: true } }, { nIter: 20, cv: 3 }).fit(x, y);
 * ```
 */
export class BayesSearchCV extends SampledSearchCV {
  constructor(
    estimator: Estimator,
    searchSpaces: Readonly<Record<string, ParamDistribution>>,
    options: RandomizedSearchCVOptions = {},
  ) {
    super(estimator, searchSpaces, options, 20);
  }

  protected createSampler(seed: number): Sampler {
    return new GPSampler({ seed, nStartupTrials: Math.min(10, Math.max(2, Math.floor(this.nIter / 3))) });
  }
}

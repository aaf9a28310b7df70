/**
 * TPE's options and defaults, following current Optuna (5.0.0.dev, `optuna/samplers/_tpe/` at
 * master 1d8ce7bb6f, 2026-08-21). What changed since Optuna 3.5.0, and what we do about it:
 *
 * - `multivariate` defaults to true for one objective, false for several (sampler.py,
 *   PR #6746, commit 180265b56). Followed: unset means "by the number of objectives".
 * - The multivariate kernels lost Scott's rule: every axis takes the neighbour-gap widths the
 *   univariate TPE uses (parzen_estimator.py, PR #6746, 180265b56). Followed; Scott's rule stays
 *   reachable with `parzenRules: 'optuna-3.5'`.
 * - The prior's mean no longer joins the neighbour sort of the widths (parzen_estimator.py,
 *   PR #6574, c1267c3f1). Followed; the old sort with `parzenRules: 'optuna-3.5'`.
 * - Log ints are discrete truncated log-normals: a candidate scores the kernels' mass on its cell
 *   [log(v - 1/2), log(v + 1/2)], no longer the density at log v (probability_distributions.py,
 *   PR #6258, 4ede7000c and a5ab97c7b). Followed; the density with `parzenRules: 'optuna-3.5'`.
 * - `constant_liar` defaults to true (sampler.py, PR #6738, 5c7376f7f): running trials count
 *   as bad ones. Followed (`constantLiar: false` for the old behaviour).
 * - Several objectives: `gamma` is ceil(0.1 n) without the cap of 25 (`default_gamma_multiobjective`,
 *   PR #6766, 6fb1032dc), and the good trials' weights are uniform instead of hypervolume
 *   contributions (PR #6766, 2dfba0893). Followed; `motpeWeights: 'hypervolume'` keeps the old ones.
 * - Deprecated in 4.9 without a replacement, still honoured with a FutureWarning, defaults as before:
 *   `prior_weight` (1), `consider_magic_clip` (true), `consider_endpoints` (false), `gamma`,
 *   `weights` (`default_weights`), `warn_independent_sampling` (now false), and
 *   `hyperopt_parameters()` (PR #6635, 8785d9203). We keep them as options with those defaults.
 * - `consider_prior` deprecated in 4.3, always true (PR #6005, a3fe03df9); kept as an option here.
 *   `prior_weight` may be 0 since 4.3 (63290979f): allowed.
 * - `categorical_distance_func` removed (PR #6783, cb88e2584); we never had it.
 * - `constraints_func` deprecated in 5.0 for `Trial.set_constraint` (PR #6773, #6736; trials
 *   without constraints count as feasible there). Not followed yet: we keep `constraintsFunc`.
 * - TPESampler became the default sampler of multi-objective studies (PR #6766, 2d03b75df);
 *   our studies' default sampler is unchanged.
 * - Candidate draws: the components first (numpy's `choice`, a search of the normalised cumulative
 *   weights), then each categorical axis, then every numerical axis, axis by axis
 *   (probability_distributions.py, vectorised `rvs`, PR #6229 and #6689). Followed, so that given
 *   the same uniforms we draw the same candidates.
 * - Constant liar with multivariate: relative parameters of running trials are published in system
 *   attributes so other workers see them (PR #6189, 023d3b76e); the current trial is left out of its
 *   own split (fe3acffd0, which we already did). Publishing: not followed yet.
 */
import { InvalidArgumentError } from '../../errors';
import type { ConstraintsFunc } from '../base';
import { defaultGamma, defaultGammaMultiObjective, defaultWeights } from './weights';

export interface TPESamplerOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** Trials sampled at random before TPE starts (COMPLETE and PRUNED ones count). Default 10. */
  readonly nStartupTrials?: number;
  /** Candidates drawn from the good density; the one with the best l(x)/g(x) wins. Default 24. */
  readonly nEICandidates?: number;
  /**
   * Size of the good group from the number of finished trials. Default min(ceil(0.1 n), 25) with
   * one objective, ceil(0.1 n) with several.
   */
  readonly gamma?: (n: number) => number;
  /** Observation weights, oldest first. Default: 1 for the newest 25, a ramp from 1/n before. */
  readonly weights?: (n: number) => ArrayLike<number>;
  /** Weight of the prior kernel (and of the uniform part of categorical kernels), >= 0. Default 1. */
  readonly priorWeight?: number;
  /** Add a wide kernel at the centre of each range, so no region is ever ruled out. Default true. */
  readonly considerPrior?: boolean;
  /** Floor kernel widths at range / min(100, kernels + 1). Default true. */
  readonly considerMagicClip?: boolean;
  /** Let the outermost kernels' widths reach the domain's ends. Default false. */
  readonly considerEndpoints?: boolean;
  /**
   * Model the parameters every trial shares jointly (relative sampling). Default: true for one
   * objective, false for several (current Optuna).
   */
  readonly multivariate?: boolean;
  /** With `multivariate`: one joint model per group of parameters always used together. */
  readonly group?: boolean;
  /** Count RUNNING trials as bad ones, so concurrent workers spread out. Default true. */
  readonly constantLiar?: boolean;
  /**
   * Kernel rules: `'current'` (default) as Optuna 5; `'optuna-3.5'` for Scott's-rule widths in
   * multivariate mode, the prior's mean among the neighbours of univariate widths, and log ints
   * scored by density rather than by the mass of their cell.
   */
  readonly parzenRules?: 'current' | 'optuna-3.5';
  /**
   * Several objectives: weights of the good trials, `'uniform'` (default, current Optuna) or
   * `'hypervolume'` (each trial's hypervolume contribution, Optuna 3.x–4.x).
   */
  readonly motpeWeights?: 'uniform' | 'hypervolume';
  /**
   * Constraint values of each trial as it ends (≤ 0 feasible), stored as its system attribute
   * `constraints`. Infeasible trials then rank after every feasible one (by total violation) when
   * the good group is chosen, and `bestTrial(s)` keep feasible trials only (Optuna's constrained TPE).
   */
  readonly constraintsFunc?: ConstraintsFunc;
}

/** Which version of Optuna's kernel rules the Parzen estimators follow. */
export type ParzenRules = NonNullable<TPESamplerOptions['parzenRules']>;

export interface ResolvedTPEOptions {
  readonly nStartupTrials: number;
  readonly nEICandidates: number;
  /** null: by the number of objectives (see {@link gammaFor}). */
  readonly gamma: ((n: number) => number) | null;
  readonly weights: (n: number) => ArrayLike<number>;
  readonly priorWeight: number;
  readonly considerPrior: boolean;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  /** null: by the number of objectives (see {@link isMultivariateFor}). */
  readonly multivariate: boolean | null;
  readonly group: boolean;
  readonly constantLiar: boolean;
  readonly parzenRules: ParzenRules;
  readonly motpeWeights: 'uniform' | 'hypervolume';
  readonly constraintsFunc: ConstraintsFunc | undefined;
}

/** Every option's name: the sampler refuses others (a typo must not silently fall back to a default). */
export const KEYS: readonly string[] = [
  'seed',
  'nStartupTrials',
  'nEICandidates',
  'gamma',
  'weights',
  'priorWeight',
  'considerPrior',
  'considerMagicClip',
  'considerEndpoints',
  'multivariate',
  'group',
  'constantLiar',
  'parzenRules',
  'motpeWeights',
  'constraintsFunc',
];

/** Multivariate unless told otherwise with one objective; `group` implies it (as Optuna). */
export function isMultivariateFor(o: ResolvedTPEOptions, nObjectives: number): boolean {
  if (o.multivariate !== null) return o.multivariate;
  return o.group || nObjectives <= 1;
}

export function gammaFor(o: ResolvedTPEOptions, nObjectives: number): (n: number) => number {
  return o.gamma ?? (nObjectives <= 1 ? defaultGamma : defaultGammaMultiObjective);
}

/** Checks every option but the seed and the keys (the sampler checks those first, see JointSampler). */
export function resolveTPEOptions(options: TPESamplerOptions): ResolvedTPEOptions {
  const o: ResolvedTPEOptions = {
    nStartupTrials: options.nStartupTrials ?? 10,
    nEICandidates: options.nEICandidates ?? 24,
    gamma: options.gamma ?? null,
    weights: options.weights ?? defaultWeights,
    priorWeight: options.priorWeight ?? 1,
    considerPrior: options.considerPrior ?? true,
    considerMagicClip: options.considerMagicClip ?? true,
    considerEndpoints: options.considerEndpoints ?? false,
    multivariate: options.multivariate ?? null,
    group: options.group ?? false,
    constantLiar: options.constantLiar ?? true,
    parzenRules: options.parzenRules ?? 'current',
    motpeWeights: options.motpeWeights ?? 'uniform',
    constraintsFunc: options.constraintsFunc,
  };
  if (!Number.isInteger(o.nStartupTrials) || o.nStartupTrials < 0) {
    throw new InvalidArgumentError('nStartupTrials', o.nStartupTrials, 'an integer >= 0');
  }
  if (!Number.isInteger(o.nEICandidates) || o.nEICandidates < 1) {
    throw new InvalidArgumentError('nEICandidates', o.nEICandidates, 'an integer >= 1');
  }
  if (!(typeof o.priorWeight === 'number' && o.priorWeight >= 0 && Number.isFinite(o.priorWeight))) {
    throw new InvalidArgumentError('priorWeight', o.priorWeight, 'a finite number >= 0');
  }
  if (o.gamma !== null && typeof o.gamma !== 'function') {
    throw new InvalidArgumentError('gamma', o.gamma, 'a function of the number of trials');
  }
  if (typeof o.weights !== 'function') {
    throw new InvalidArgumentError('weights', o.weights, 'a function of the number of trials');
  }
  for (const key of ['considerPrior', 'considerMagicClip', 'considerEndpoints', 'group', 'constantLiar'] as const) {
    if (typeof o[key] !== 'boolean') throw new InvalidArgumentError(key, o[key], 'true or false');
  }
  if (o.multivariate !== null && typeof o.multivariate !== 'boolean') {
    throw new InvalidArgumentError('multivariate', o.multivariate, 'true or false');
  }
  if (o.parzenRules !== 'current' && o.parzenRules !== 'optuna-3.5') {
    throw new InvalidArgumentError('parzenRules', o.parzenRules, "'current' or 'optuna-3.5'");
  }
  if (o.motpeWeights !== 'uniform' && o.motpeWeights !== 'hypervolume') {
    throw new InvalidArgumentError('motpeWeights', o.motpeWeights, "'uniform' or 'hypervolume'");
  }
  if (o.constraintsFunc !== undefined && typeof o.constraintsFunc !== 'function') {
    throw new InvalidArgumentError('constraintsFunc', o.constraintsFunc, 'a function of a trial');
  }
  if (o.group && o.multivariate === false) {
    throw new InvalidArgumentError('group', true, 'group only together with multivariate: true (or unset)');
  }
  return o;
}

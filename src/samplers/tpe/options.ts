import { InvalidArgumentError } from '../../errors';
import type { ConstraintsFunc } from '../base';
import { defaultGamma, defaultWeights } from './weights';

export interface TPESamplerOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** Trials sampled at random before TPE starts (COMPLETE and PRUNED ones count). Default 10. */
  readonly nStartupTrials?: number;
  /** Candidates drawn from the good density; the one with the best l(x)/g(x) wins. Default 24. */
  readonly nEICandidates?: number;
  /** Size of the good group from the number of finished trials. Default min(ceil(0.1 n), 25). */
  readonly gamma?: (n: number) => number;
  /** Observation weights, oldest first. Default: 1 for the newest 25, a ramp from 1/n before. */
  readonly weights?: (n: number) => ArrayLike<number>;
  /** Weight of the prior kernel (and of the uniform part of categorical kernels). Default 1. */
  readonly priorWeight?: number;
  /** Add a wide kernel at the centre of each range, so no region is ever ruled out. Default true. */
  readonly considerPrior?: boolean;
  /** Floor kernel widths at range / min(100, kernels + 1). Default true. */
  readonly considerMagicClip?: boolean;
  /** Let the outermost kernels' widths reach the domain's ends. Default false. */
  readonly considerEndpoints?: boolean;
  /** Model the parameters every trial shares jointly (relative sampling). Default false. */
  readonly multivariate?: boolean;
  /** With `multivariate`: one joint model per group of parameters always used together. */
  readonly group?: boolean;
  /** Count RUNNING trials as bad ones, so concurrent workers spread out. Default false. */
  readonly constantLiar?: boolean;
  /**
   * Constraint values of each trial as it ends (≤ 0 feasible), stored as its system attribute
   * `constraints`. Infeasible trials then rank after every feasible one (by total violation) when
   * the good group is chosen, and `bestTrial(s)` keep feasible trials only (Optuna's constrained TPE).
   */
  readonly constraintsFunc?: ConstraintsFunc;
}

export type ResolvedTPEOptions = Required<Omit<TPESamplerOptions, 'seed' | 'constraintsFunc'>> & {
  readonly constraintsFunc: ConstraintsFunc | undefined;
};

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
  'constraintsFunc',
];

/** Checks every option but the seed and the keys (the sampler checks those first, see JointSampler). */
export function resolveTPEOptions(options: TPESamplerOptions): ResolvedTPEOptions {
  const o: ResolvedTPEOptions = {
    nStartupTrials: options.nStartupTrials ?? 10,
    nEICandidates: options.nEICandidates ?? 24,
    gamma: options.gamma ?? defaultGamma,
    weights: options.weights ?? defaultWeights,
    priorWeight: options.priorWeight ?? 1,
    considerPrior: options.considerPrior ?? true,
    considerMagicClip: options.considerMagicClip ?? true,
    considerEndpoints: options.considerEndpoints ?? false,
    multivariate: options.multivariate ?? false,
    group: options.group ?? false,
    constantLiar: options.constantLiar ?? false,
    constraintsFunc: options.constraintsFunc,
  };
  if (!Number.isInteger(o.nStartupTrials) || o.nStartupTrials < 0) {
    throw new InvalidArgumentError('nStartupTrials', o.nStartupTrials, 'an integer >= 0');
  }
  if (!Number.isInteger(o.nEICandidates) || o.nEICandidates < 1) {
    throw new InvalidArgumentError('nEICandidates', o.nEICandidates, 'an integer >= 1');
  }
  if (!(typeof o.priorWeight === 'number' && o.priorWeight > 0 && Number.isFinite(o.priorWeight))) {
    throw new InvalidArgumentError('priorWeight', o.priorWeight, 'a finite number > 0');
  }
  for (const key of ['gamma', 'weights'] as const) {
    if (typeof o[key] !== 'function') throw new InvalidArgumentError(key, o[key], 'a function of the number of trials');
  }
  for (const key of [
    'considerPrior',
    'considerMagicClip',
    'considerEndpoints',
    'multivariate',
    'group',
    'constantLiar',
  ] as const) {
    if (typeof o[key] !== 'boolean') throw new InvalidArgumentError(key, o[key], 'true or false');
  }
  if (o.constraintsFunc !== undefined && typeof o.constraintsFunc !== 'function') {
    throw new InvalidArgumentError('constraintsFunc', o.constraintsFunc, 'a function of a trial');
  }
  if (o.group && !o.multivariate) {
    throw new InvalidArgumentError('group', true, 'group only together with multivariate: true');
  }
  return o;
}

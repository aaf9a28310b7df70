import { InvalidArgumentError, quote } from '../../errors';
import type { ConstraintsFunc } from '../base';
import {
  BLXAlphaCrossover,
  SBXCrossover,
  SPXCrossover,
  UNDXCrossover,
  UniformCrossover,
  VSBXCrossover,
  type Crossover,
} from './crossovers';

/** A crossover by name, with its default settings. */
export type CrossoverName = 'uniform' | 'blxAlpha' | 'sbx' | 'vsbx' | 'undx' | 'spx';

/** The options NSGA-II and NSGA-III share (Optuna's names and defaults, camelCased). */
export interface GeneticSamplerOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** Trials per generation, and parents kept. Default 50. */
  readonly populationSize?: number;
  /** Probability, per parameter, of a fresh random value instead of the crossed one. Default 1 / (number of parameters). */
  readonly mutationProb?: number;
  /** How two (or three) parents make a child's numeric genes. Default `new UniformCrossover(swappingProb)`. */
  readonly crossover?: Crossover | CrossoverName;
  /** Probability that a child is a crossover; otherwise it copies one parent. Default 0.9. */
  readonly crossoverProb?: number;
  /** Uniform crossover's (and categorical genes') probability of the first parent's gene. Default 0.5. */
  readonly swappingProb?: number;
  /**
   * Constraint values of each trial as it ends (COMPLETE or PRUNED), stored as its system
   * attribute `constraints`; ≤ 0 is feasible. Survival and parent tournaments then use constrained
   * domination, and `bestTrials` keeps feasible trials only.
   */
  readonly constraintsFunc?: ConstraintsFunc;
}

export interface ResolvedGeneticOptions {
  readonly populationSize: number;
  readonly mutationProb: number | undefined;
  readonly crossover: Crossover;
  readonly crossoverProb: number;
  readonly swappingProb: number;
  readonly constraintsFunc: ConstraintsFunc | undefined;
}

export const GENETIC_KEYS: readonly string[] = [
  'seed',
  'populationSize',
  'mutationProb',
  'crossover',
  'crossoverProb',
  'swappingProb',
  'constraintsFunc',
];

const NAMED: Record<CrossoverName, (swappingProb: number) => Crossover> = {
  uniform: (p) => new UniformCrossover(p),
  blxAlpha: () => new BLXAlphaCrossover(),
  sbx: () => new SBXCrossover(),
  vsbx: () => new VSBXCrossover(),
  undx: () => new UNDXCrossover(),
  spx: () => new SPXCrossover(),
};

const isProbability = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Checks every option but the seed and the keys (JointSampler checks those first). */
export function resolveGeneticOptions(sampler: string, options: GeneticSamplerOptions): ResolvedGeneticOptions {
  const swappingProb = options.swappingProb ?? 0.5;
  for (const key of ['mutationProb', 'crossoverProb', 'swappingProb'] as const) {
    const v = options[key];
    if (v !== undefined && !isProbability(v))
      throw new InvalidArgumentError(`${sampler} ${key}`, v, 'a number in [0, 1]');
  }
  const given = options.crossover ?? 'uniform';
  let crossover: Crossover;
  if (typeof given === 'string') {
    const make = NAMED[given as CrossoverName] as ((p: number) => Crossover) | undefined;
    if (make === undefined || !Object.hasOwn(NAMED, given)) {
      const names = Object.keys(NAMED).map((n) => quote(n));
      throw new InvalidArgumentError(`${sampler} crossover`, given, `a Crossover or one of ${names.join(', ')}`);
    }
    crossover = make(swappingProb);
  } else if (given !== null && typeof given === 'object' && typeof given.crossover === 'function') {
    crossover = given;
  } else {
    throw new InvalidArgumentError(`${sampler} crossover`, given, 'a Crossover or a crossover name');
  }
  const populationSize = options.populationSize ?? 50;
  const minimum = Math.max(2, crossover.nParents);
  if (!(Number.isInteger(populationSize) && populationSize >= minimum)) {
    throw new InvalidArgumentError(
      `${sampler} populationSize`,
      populationSize,
      `an integer >= ${minimum} (the crossover takes ${crossover.nParents} parents)`,
    );
  }
  if (options.constraintsFunc !== undefined && typeof options.constraintsFunc !== 'function') {
    throw new InvalidArgumentError(`${sampler} constraintsFunc`, options.constraintsFunc, 'a function of a trial');
  }
  return {
    populationSize,
    mutationProb: options.mutationProb,
    crossover,
    crossoverProb: options.crossoverProb ?? 0.9,
    swappingProb,
    constraintsFunc: options.constraintsFunc,
  };
}

import { InvalidArgumentError, quote } from '../../errors';

export type EvolutionSelection = 'tournament' | 'roulette';
export type EvolutionCrossover = 'uniform';

export interface EvolutionSamplerOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** Trials per generation, and parents kept (the best so far). Default 20. */
  readonly populationSize?: number;
  /** How each parent is picked from the pool. Default 'tournament'. */
  readonly selection?: EvolutionSelection;
  /** Contestants per tournament (drawn with replacement); the best wins. Default 3. */
  readonly tournamentSize?: number;
  /** Each gene from either parent with probability 1/2. Default 'uniform'. */
  readonly crossover?: EvolutionCrossover;
  /** Probability that a child mixes two parents; otherwise it copies the first. Default 0.9. */
  readonly crossoverRate?: number;
  /** Probability, per gene, of a mutation. Default 0.1. */
  readonly mutationRate?: number;
  /** Standard deviation of a numeric mutation, in the unit interval the range maps to. Default 0.1. */
  readonly mutationScale?: number;
  /** The first `elitism` trials of each generation re-run the best parents unchanged. Default 2. */
  readonly elitism?: number;
}

export type ResolvedEvolutionOptions = Required<Omit<EvolutionSamplerOptions, 'seed'>>;

/** Every option's name: the sampler refuses others (a typo must not silently fall back to a default). */
export const KEYS: readonly string[] = [
  'seed',
  'populationSize',
  'selection',
  'tournamentSize',
  'crossover',
  'crossoverRate',
  'mutationRate',
  'mutationScale',
  'elitism',
];

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isProbability = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Checks every option but the seed and the keys (the sampler checks those first, see JointSampler). */
export function resolveEvolutionOptions(options: EvolutionSamplerOptions): ResolvedEvolutionOptions {
  const o: ResolvedEvolutionOptions = {
    populationSize: options.populationSize ?? 20,
    selection: options.selection ?? 'tournament',
    tournamentSize: options.tournamentSize ?? 3,
    crossover: options.crossover ?? 'uniform',
    crossoverRate: options.crossoverRate ?? 0.9,
    mutationRate: options.mutationRate ?? 0.1,
    mutationScale: options.mutationScale ?? 0.1,
    elitism: options.elitism ?? 2,
  };
  if (!isInt(o.populationSize, 2))
    throw new InvalidArgumentError('populationSize', o.populationSize, 'an integer >= 2');
  if (o.selection !== 'tournament' && o.selection !== 'roulette') {
    throw new InvalidArgumentError('selection', o.selection, `${quote('tournament')} or ${quote('roulette')}`);
  }
  if (!isInt(o.tournamentSize, 1))
    throw new InvalidArgumentError('tournamentSize', o.tournamentSize, 'an integer >= 1');
  if (o.crossover !== 'uniform') throw new InvalidArgumentError('crossover', o.crossover, quote('uniform'));
  for (const key of ['crossoverRate', 'mutationRate'] as const) {
    if (!isProbability(o[key])) throw new InvalidArgumentError(key, o[key], 'a number in [0, 1]');
  }
  if (!(typeof o.mutationScale === 'number' && o.mutationScale > 0 && Number.isFinite(o.mutationScale))) {
    throw new InvalidArgumentError('mutationScale', o.mutationScale, 'a finite number > 0');
  }
  if (!isInt(o.elitism, 0) || o.elitism > o.populationSize) {
    throw new InvalidArgumentError('elitism', o.elitism, `an integer in [0, populationSize = ${o.populationSize}]`);
  }
  return o;
}

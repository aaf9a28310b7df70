import { InvalidArgumentError, quote } from '../../errors';
import type { Logger } from '../../util/logger';
import type { Sampler } from '../base';

export interface CmaEsSamplerOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** The first mean, as parameter values; parameters left out start at the centre of their range. */
  readonly x0?: Readonly<Record<string, number>>;
  /** The first step size, in the unit cube every parameter is mapped to. Default 1/6. */
  readonly sigma0?: number;
  /** COMPLETE trials sampled by `independentSampler` before CMA-ES starts. Default 1. */
  readonly nStartupTrials?: number;
  /** 'ipop': when a run stops (flat losses, collapsed or exploding steps), restart it with a larger population. */
  readonly restartStrategy?: 'ipop' | null;
  /** Population growth factor at each IPOP restart. Default 2. */
  readonly incPopsize?: number;
  /** Trials per generation of the first run. Default 4 + floor(3 ln n) for n parameters. */
  readonly popsize?: number;
  /** Samples categorical parameters and those outside the shared space. Default: a RandomSampler with `seed`. */
  readonly independentSampler?: Sampler;
  /** Warn (once per parameter) when a parameter is sampled independently after start-up. Default true. */
  readonly warnIndependentSampling?: boolean;
  /** CMA-ES with Margin for int and stepped parameters, so they cannot get stuck on one value. Default false. */
  readonly withMargin?: boolean;
  /** Where warnings go. Default: the study's logger, else stderr. */
  readonly logger?: Logger;
}

export interface ResolvedCmaEsOptions {
  readonly x0: Readonly<Record<string, number>>;
  readonly sigma0: number;
  readonly nStartupTrials: number;
  readonly restartStrategy: 'ipop' | null;
  readonly incPopsize: number;
  readonly popsize: number | null;
  readonly warnIndependentSampling: boolean;
  readonly withMargin: boolean;
}

/** Every option's name: the sampler refuses others (a typo must not silently fall back to a default). */
export const KEYS: readonly string[] = [
  'seed',
  'x0',
  'sigma0',
  'nStartupTrials',
  'restartStrategy',
  'incPopsize',
  'popsize',
  'independentSampler',
  'warnIndependentSampling',
  'withMargin',
  'logger',
];

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Checks every option but the seed and the keys (the sampler checks those first, see JointSampler). */
export function resolveCmaEsOptions(options: CmaEsSamplerOptions): ResolvedCmaEsOptions {
  const x0 = options.x0 ?? {};
  if (x0 === null || typeof x0 !== 'object' || Array.isArray(x0)) {
    throw new InvalidArgumentError('x0', x0, 'an object of parameter values');
  }
  for (const [name, v] of Object.entries(x0)) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InvalidArgumentError(`x0.${name}`, v, 'a finite number');
  }
  const sigma0 = options.sigma0 ?? 1 / 6;
  if (typeof sigma0 !== 'number' || !(sigma0 > 0) || !Number.isFinite(sigma0)) {
    throw new InvalidArgumentError('sigma0', sigma0, 'a finite number > 0 (a step size in the unit cube)');
  }
  const nStartupTrials = options.nStartupTrials ?? 1;
  if (!isInt(nStartupTrials, 0)) throw new InvalidArgumentError('nStartupTrials', nStartupTrials, 'an integer >= 0');
  const restartStrategy = options.restartStrategy ?? null;
  if (restartStrategy !== null && restartStrategy !== 'ipop') {
    throw new InvalidArgumentError('restartStrategy', restartStrategy, `null or ${quote('ipop')}`);
  }
  const incPopsize = options.incPopsize ?? 2;
  if (!isInt(incPopsize, 2)) throw new InvalidArgumentError('incPopsize', incPopsize, 'an integer >= 2');
  const popsize = options.popsize ?? null;
  // Two is the least that leaves one parent (mu = popsize / 2) for the recombination.
  if (popsize !== null && !isInt(popsize, 2)) throw new InvalidArgumentError('popsize', popsize, 'an integer >= 2');
  const warnIndependentSampling = options.warnIndependentSampling ?? true;
  const withMargin = options.withMargin ?? false;
  for (const [key, v] of [
    ['warnIndependentSampling', warnIndependentSampling],
    ['withMargin', withMargin],
  ] as const) {
    if (typeof v !== 'boolean') throw new InvalidArgumentError(key, v, 'true or false');
  }
  const sampler = options.independentSampler;
  if (sampler !== undefined && (sampler === null || typeof sampler.sampleIndependent !== 'function')) {
    throw new InvalidArgumentError('independentSampler', sampler, 'a Sampler');
  }
  return { x0, sigma0, nStartupTrials, restartStrategy, incPopsize, popsize, warnIndependentSampling, withMargin };
}

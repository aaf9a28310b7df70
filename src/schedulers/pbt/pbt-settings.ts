import { InvalidArgumentError } from '../../errors';
import type { Distribution, ParamValue } from '../../space/distributions';
import { DEFAULT_PERTURBATION_FACTORS, DEFAULT_RESAMPLE_PROBABILITY, type ExploreOptions } from './explore';
import type { Explorer } from './explorer';
import type { PBTParams } from './member';
import type { Rng } from '../../random/rng';
import type { SpaceFn } from './space-draw';

/** PBT as a scheduler: Ray Tune's options, camelCased, with epochs as the unit. */
export interface PBTSchedulerOptions extends ExploreOptions {
  readonly populationSize: number;
  /** Epochs between two ready points of a member (one job, one trial). */
  readonly perturbationInterval: number;
  /** Each member's budget in epochs: the run ends when every member has trained this far. */
  readonly totalEpochs: number;
  /** No exploit before this epoch (0). */
  readonly burnInPeriod?: number;
  /** Bottom and top fraction of the population (0.25, at most 0.5). */
  readonly quantileFraction?: number;
  /** Which parameters mutate, over which distributions. */
  readonly hyperparamMutations: Readonly<Record<string, Distribution>>;
  /** Every member reaches each ready point before any exploits (the paper's synchronous PBT). Default false, as Ray Tune. */
  readonly synch?: boolean;
  /** How explore chooses new parameters: PBT's perturbation by default; PB2 passes its bandit. */
  readonly explorer?: Explorer;
  /** The run's seed; default the study's. */
  readonly seed?: number;
  /** The full search space a member's first configuration is drawn from (mutable parameters from their mutation's distribution). */
  readonly space?: SpaceFn;
  /** Instead of `space`: a member's first parameters (default: each mutable one drawn from its distribution). */
  readonly initialParams?: (member: number, rng: Rng) => PBTParams;
  /** Fixed parameters every member trains with (with `initialParams` or the default draw). */
  readonly constants?: Readonly<Record<string, ParamValue>>;
  /** A member whose intervals fail this many times in a row trains no more (3). */
  readonly maxConsecutiveFailures?: number;
  /**
   * Other processes run this study's jobs too (`tfjs-tune worker` joining a run): `prepare` leaves
   * WAITING and RUNNING trials to them (heartbeats fail those of a dead process). Without it,
   * `prepare` runs them again as a run resuming after a kill must. Every process, shared or not,
   * fails stale trials, discards duplicate jobs and keeps checkpoints another process may load.
   */
  readonly shared?: boolean;
}

/** The settings stored with the study: a resumed run must use the same ones. */
export interface StoredPBTSettings {
  readonly populationSize: number;
  readonly perturbationInterval: number;
  readonly totalEpochs: number;
  readonly burnInPeriod: number;
  readonly quantileFraction: number;
  readonly synch: boolean;
  readonly mutations: string[];
}

export function resolvedSettings(o: PBTSchedulerOptions): StoredPBTSettings {
  return {
    populationSize: o.populationSize,
    perturbationInterval: o.perturbationInterval,
    totalEpochs: o.totalEpochs,
    burnInPeriod: o.burnInPeriod ?? 0,
    quantileFraction: o.quantileFraction ?? 0.25,
    synch: o.synch ?? false,
    mutations: Object.keys(o.hyperparamMutations).sort(),
  };
}

/** A problem with one option: the field, the bad value, what is allowed. */
export interface OptionProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * Every problem with the options at once (the config block reports them together); empty when
 * they are fine. `prefix` goes before each field name (`scheduler.` in a config).
 */
export function pbtOptionProblems(o: Partial<PBTSchedulerOptions>, prefix = ''): OptionProblem[] {
  const out: OptionProblem[] = [];
  const bad = (field: string, value: unknown, allowed: string) => out.push({ field: prefix + field, value, allowed });
  const int = (field: string, v: unknown, min: number) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) bad(field, v, `an integer >= ${min}`);
  };
  int('populationSize', o.populationSize, 2);
  int('perturbationInterval', o.perturbationInterval, 1);
  int('totalEpochs', o.totalEpochs, 1);
  if (o.burnInPeriod !== undefined) int('burnInPeriod', o.burnInPeriod, 0);
  if (o.maxConsecutiveFailures !== undefined) int('maxConsecutiveFailures', o.maxConsecutiveFailures, 1);
  const q = o.quantileFraction;
  if (q !== undefined && !(typeof q === 'number' && q >= 0 && q <= 0.5))
    bad('quantileFraction', q, 'a number in [0, 0.5]');
  const p = o.resampleProbability ?? DEFAULT_RESAMPLE_PROBABILITY;
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) bad('resampleProbability', p, 'a probability in [0, 1]');
  const f = o.perturbationFactors ?? DEFAULT_PERTURBATION_FACTORS;
  if (!Array.isArray(f) || f.length === 0 || !f.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0))
    bad('perturbationFactors', f, 'a non-empty list of positive numbers');
  if (o.synch !== undefined && typeof o.synch !== 'boolean') bad('synch', o.synch, 'true or false');
  const m = o.hyperparamMutations;
  if (m === undefined || m === null || typeof m !== 'object' || Object.keys(m).length === 0)
    bad('hyperparamMutations', m, 'at least one parameter to mutate');
  return out;
}

/** Throws on the first problem (the tuner and the scheduler, whose options come from code). */
export function validatePBTOptions(o: PBTSchedulerOptions): void {
  const [first] = pbtOptionProblems(o);
  if (first !== undefined) throw new InvalidArgumentError(first.field, first.value, first.allowed);
}

import { InvalidArgumentError, TfjsTuneError, quote } from '../errors';
import type { Pruner } from '../pruners/base';
import { Rng } from '../random/rng';
import type { Sampler } from '../samplers/base';
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  distributionsCompatible,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
} from '../space/distributions';
import type { Storage } from '../storage/base';
import { FrozenTrial, INTERMEDIATE_VECTORS_ATTR } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyView } from './study-view';

export interface SuggestFloatOptions {
  readonly log?: boolean;
  readonly step?: number;
}
export interface SuggestIntOptions {
  readonly log?: boolean;
  readonly step?: number;
}

/** What a trial needs from the study that runs it. */
export interface TrialHost {
  readonly view: StudyView;
  /** What the sampler sees (the pruner may narrow the study, e.g. to a Hyperband bracket); default `view`. */
  readonly samplerView?: StudyView;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly storage: Storage;
  /** The distribution an earlier trial used for `name`, for the compatibility check. */
  knownDistribution(name: string): Distribution | undefined;
  /** Records the distribution a new parameter name was first used with. */
  rememberDistribution(name: string, distribution: Distribution): void;
}

/** The sampler's joint sample for this trial, taken when it started. */
export interface RelativeSample {
  readonly searchSpace: Readonly<Record<string, Distribution>>;
  readonly params: Readonly<Record<string, ParamValue>>;
}

/**
 * A running trial, handed to the objective (define-by-run, as in Optuna). `suggest*` and `report`
 * are synchronous; their storage writes are queued in order and the study awaits them (`flush`)
 * before it records the trial's end, so nothing is lost and nothing is written out of order.
 *
 * @example
 * ```ts
 * await study.optimize((trial: tune.Trial) => {
 *   const x = trial.suggestFloat('x', -1, 1);
 *   trial.report(x * x, 0);
 *   if (trial.shouldPrune()) throw new tune.TrialPruned();
 *   return x * x;
 * });
 * ```
 */
export class Trial {
  private readonly suggested: Record<string, ParamValue> = {};
  private readonly distributions: Record<string, Distribution> = {};
  private readonly intermediate = new Map<number, number>();
  private readonly userAttrs: Record<string, JsonValue>;
  private readonly systemAttrs: Record<string, JsonValue>;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown = null;

  /** @internal Built by the study; objectives receive it. */
  constructor(
    private readonly host: TrialHost,
    private readonly frozen: FrozenTrial,
    private readonly relative: RelativeSample,
    private readonly fixedParams: Readonly<Record<string, ParamValue>>,
  ) {
    this.userAttrs = { ...frozen.userAttrs };
    this.systemAttrs = { ...frozen.systemAttrs };
    Object.assign(this.suggested, frozen.params);
    Object.assign(this.distributions, frozen.distributions);
  }

  /** The trial's number in its study: 0, 1, 2, ... */
  get number(): number {
    return this.frozen.number;
  }

  /**
   * A random stream for the objective's own draws (model initialisers, data shuffling), derived from
   * the study's seed and this trial's number: the same study seed gives the same stream.
   */
  get rng(): Rng {
    return new Rng(this.host.view.seed).derive('trial', this.frozen.number);
  }

  /** A 31-bit seed for APIs that take one (tfjs initialisers), from {@link Trial.rng}. */
  get seed(): number {
    return this.rng.nextSeed();
  }

  /** @internal The storage's id for this trial. */
  get trialId(): number {
    return this.frozen.trialId;
  }

  /** The parameters suggested so far. */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.suggested };
  }

  get datetimeStart(): Date | null {
    return this.frozen.datetimeStart;
  }

  /** A float in [low, high]; `log` samples in log space, `step` on the grid low + k * step. */
  suggestFloat(name: string, low: number, high: number, options: SuggestFloatOptions = {}): number {
    const dist = new FloatDistribution(low, high, options.log ?? false, options.step ?? null, name);
    return this.suggest(name, dist) as number;
  }

  /** An integer in [low, high] (both inclusive), optionally log-scaled or stepped. */
  suggestInt(name: string, low: number, high: number, options: SuggestIntOptions = {}): number {
    const dist = new IntDistribution(low, high, options.log ?? false, options.step ?? 1, name);
    return this.suggest(name, dist) as number;
  }

  /** One of `choices` (numbers, strings, booleans or null). */
  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, new CategoricalDistribution(choices, name)) as T;
  }

  /**
   * Reports an intermediate value (e.g. validation loss after an epoch) at integer `step` >= 0. In a
   * study of several objectives, report a vector with one value per objective: it is stored whole
   * (`FrozenTrial.intermediateVectors`) and its first value goes where one number is expected (the
   * intermediate values that Optuna's schema, plots and scalar tools read); `pruners.DominatedPruner`
   * prunes on the vectors.
   */
  report(value: number | readonly number[], step: number): void {
    const nObjectives = this.host.view.directions.length;
    if (!Number.isInteger(step) || step < 0) throw new InvalidArgumentError('report(step)', step, 'an integer >= 0');
    if (nObjectives === 1 && typeof value !== 'number')
      throw new InvalidArgumentError('report(value)', value, 'a number (the study has one objective)');
    if (nObjectives > 1 && !(Array.isArray(value) && value.length === nObjectives && value.every(isNumber))) {
      throw new InvalidArgumentError(
        'report(value)',
        value,
        `an array of ${nObjectives} numbers, one per objective (the study has ${nObjectives})`,
      );
    }
    // As in Optuna, the first report at a step wins; a repeat is ignored.
    if (this.intermediate.has(step)) return;
    const scalar = typeof value === 'number' ? value : (value[0] as number);
    this.intermediate.set(step, scalar);
    this.enqueue(() => this.host.storage.setTrialIntermediateValue(this.trialId, step, scalar));
    if (typeof value !== 'number') {
      const vectors = { ...(this.systemAttrs[INTERMEDIATE_VECTORS_ATTR] as Record<string, JsonValue> | undefined) };
      vectors[String(step)] = value.map((v) => (Number.isFinite(v) ? v : null));
      this.setSystemAttr(INTERMEDIATE_VECTORS_ATTR, vectors);
    }
  }

  /** Asks the study's pruner whether to stop now, judging everything reported so far. */
  shouldPrune(): boolean {
    return this.host.pruner.prune(this.host.view, this.snapshot());
  }

  setUserAttr(key: string, value: JsonValue): void {
    this.userAttrs[key] = value;
    this.enqueue(() => this.host.storage.setTrialUserAttr(this.trialId, key, value));
  }

  /** For samplers, pruners and schedulers' own bookkeeping (never mixed into params). */
  setSystemAttr(key: string, value: JsonValue): void {
    this.systemAttrs[key] = value;
    this.enqueue(() => this.host.storage.setTrialSystemAttr(this.trialId, key, value));
  }

  get userAttributes(): Readonly<Record<string, JsonValue>> {
    return { ...this.userAttrs };
  }

  /** The trial as a frozen record, with everything suggested and reported so far. */
  snapshot(): FrozenTrial {
    return new FrozenTrial({
      ...this.frozen,
      params: this.suggested,
      distributions: this.distributions,
      intermediateValues: this.intermediate,
      userAttrs: this.userAttrs,
      systemAttrs: this.systemAttrs,
    });
  }

  /** @internal Waits for every queued write; rethrows the first that failed. */
  async flush(): Promise<void> {
    await this.writes;
    if (this.writeError !== null) {
      throw this.writeError instanceof Error ? this.writeError : new TfjsTuneError(quote(this.writeError));
    }
  }

  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((e: unknown) => {
      this.writeError ??= e;
    });
  }

  private suggest(name: string, dist: Distribution): ParamValue {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError('parameter name', name, 'a non-empty string');
    }
    const existing = this.distributions[name];
    if (existing !== undefined) {
      this.checkCompatible(name, existing, dist, 'earlier in this trial');
      return this.suggested[name] as ParamValue;
    }
    const known = this.host.knownDistribution(name);
    if (known !== undefined) this.checkCompatible(name, known, dist, 'in an earlier trial');

    const value = this.pick(name, dist);
    this.suggested[name] = value;
    this.distributions[name] = dist;
    this.host.rememberDistribution(name, dist);
    this.enqueue(() => this.host.storage.setTrialParam(this.trialId, name, value, dist));
    return value;
  }

  private pick(name: string, dist: Distribution): ParamValue {
    if (Object.prototype.hasOwnProperty.call(this.fixedParams, name)) {
      const fixed = this.fixedParams[name] as ParamValue;
      if (!this.contains(dist, fixed)) {
        throw new InvalidArgumentError(`enqueued parameter ${quote(name)}`, fixed, `a value in ${dist.describe()}`);
      }
      return fixed;
    }
    if (dist.single()) return dist.toExternal(dist.type === 'categorical' ? 0 : dist.low);
    const relDist = this.relative.searchSpace[name];
    if (relDist !== undefined && Object.prototype.hasOwnProperty.call(this.relative.params, name)) {
      const rel = this.relative.params[name] as ParamValue;
      if (distributionsCompatible(relDist, dist) && this.contains(dist, rel)) return rel;
    }
    const value = this.host.sampler.sampleIndependent(
      this.host.samplerView ?? this.host.view,
      this.snapshot(),
      name,
      dist,
    );
    if (!this.contains(dist, value)) {
      throw new TfjsTuneError(`the sampler returned ${quote(value)} for ${quote(name)}, outside ${dist.describe()}`);
    }
    return value;
  }

  private contains(dist: Distribution, value: ParamValue): boolean {
    try {
      dist.toInternal(value);
      return true;
    } catch {
      return false;
    }
  }

  private checkCompatible(name: string, before: Distribution, now: Distribution, where: string): void {
    if (!distributionsCompatible(before, now)) {
      throw new InvalidArgumentError(
        `parameter ${quote(name)}`,
        now.describe(),
        `a distribution compatible with ${before.describe()} used ${where} (same type and log setting; same choices)`,
      );
    }
  }
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number';
}

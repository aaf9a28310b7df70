import { InvalidArgumentError } from '../errors';
import { Rng } from '../random/rng';
import type { Distribution, ParamValue } from '../space/distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Sampler } from './base';
import { RandomSampler } from './random';

export interface JointSamplerOptions {
  /** The sampler's own seed; undefined to follow the study's. */
  readonly seed?: number | undefined;
  /** Samples the parameters outside the joint space. Default: a {@link RandomSampler} with `seed`. */
  readonly independentSampler?: Sampler | undefined;
}

/**
 * The skeleton the joint ("relative") samplers share — GP, QMC, TPE, CMA-ES, BOHB, and the evolution
 * sampler — as in Optuna, where each of them owns a RandomSampler:
 *
 * - the options: unknown keys refused, then the seed checked (`<Name> seed` must be finite);
 * - the seed the streams derive from: the sampler's own, else the one the study binds, else the
 *   study's ({@link JointSampler.seedFor});
 * - the fallback: the sampler (by default an owned {@link RandomSampler} with the same seed) that
 *   draws every parameter outside the joint space; `sampleIndependent` goes to it unless overridden;
 * - the study-seed binding, passed on to the fallback.
 *
 * - the joint sample's frame: nothing for an empty space, the names sorted for the rest.
 *
 * Subclasses give the joint space ({@link withoutSingleValued} drops the parameters with one value,
 * which need no model) and the joint sample over a non-empty one.
 */
export abstract class JointSampler implements Sampler {
  /** The seed given to the constructor; undefined when the sampler follows the study's. */
  protected readonly ownSeed: number | undefined;
  /** Draws the parameters outside the joint space. */
  protected readonly fallback: Sampler;
  private boundSeed: number | undefined;

  /**
   * @param samplerName names the sampler in errors
   * @param keys when given, every option's name: others are refused (a typo must not silently fall
   *   back to a default), before the seed is checked
   */
  protected constructor(samplerName: string, options: JointSamplerOptions, keys?: readonly string[]) {
    if (keys !== undefined) {
      for (const key of Object.keys(options)) {
        if (!keys.includes(key))
          throw new InvalidArgumentError(`${samplerName} options.${key}`, key, `one of ${keys.join(', ')}`);
      }
    }
    if (options.seed !== undefined && !Number.isFinite(options.seed)) {
      throw new InvalidArgumentError(`${samplerName} seed`, options.seed, 'a finite number');
    }
    this.ownSeed = options.seed;
    this.fallback = options.independentSampler ?? new RandomSampler({ seed: options.seed });
  }

  bindStudySeed(seed: number): void {
    this.boundSeed ??= seed;
    this.fallback.bindStudySeed?.(seed);
  }

  abstract inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution>;

  /** `{}` for an empty space; otherwise {@link JointSampler.sampleJointSpace} over the names sorted. */
  sampleRelative(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Record<string, ParamValue> {
    const names = Object.keys(searchSpace).sort();
    return names.length === 0 ? {} : this.sampleJointSpace(study, trial, searchSpace, names);
  }

  /** Joint values for (a subset of) a non-empty `searchSpace`, whose names are `names`, sorted. */
  protected abstract sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue>;

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return this.fallback.sampleIndependent(study, trial, name, distribution);
  }

  /** The seed the sampler's streams derive from: its own, else the study's. */
  protected seedFor(study: StudyView): number {
    return this.ownSeed ?? this.boundSeed ?? study.seed;
  }

  /**
   * The root stream `new Rng(seedFor(study)).derive(label)`; with `studyLabel`, that label when the
   * seed is the study's (TPE and BOHB keep their own and the study's seeds' streams apart).
   */
  protected rootRng(study: StudyView, label: string, studyLabel: string = label): Rng {
    return new Rng(this.seedFor(study)).derive(this.ownSeed === undefined ? studyLabel : label);
  }
}

/** `space` without its single-valued distributions (nothing to model), in the same order. */
export function withoutSingleValued(space: Record<string, Distribution>): Record<string, Distribution> {
  const out: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(space)) if (!d.single()) out[name] = d;
  return out;
}

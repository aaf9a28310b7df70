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
 * The skeleton the joint ("relative") samplers share — GP, QMC, TPE, CMA-ES, BOHB — as in Optuna,
 * where each of them owns a RandomSampler:
 *
 * - the seed: checked once (`<Name> seed` must be finite), else the one the study binds, else the
 *   study's own ({@link JointSampler.seedFor});
 * - the fallback: the sampler (by default an owned {@link RandomSampler} with the same seed) that
 *   draws every parameter outside the joint space; `sampleIndependent` goes to it unless overridden;
 * - the study-seed binding, passed on to the fallback.
 *
 * Subclasses give the joint space ({@link withoutSingleValued} drops the parameters with one value,
 * which need no model) and the joint sample.
 */
export abstract class JointSampler implements Sampler {
  /** The seed given to the constructor; undefined when the sampler follows the study's. */
  protected readonly ownSeed: number | undefined;
  /** Draws the parameters outside the joint space. */
  protected readonly fallback: Sampler;
  private boundSeed: number | undefined;

  protected constructor(samplerName: string, options: JointSamplerOptions) {
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

  abstract sampleRelative(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Record<string, ParamValue> | Promise<Record<string, ParamValue>>;

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

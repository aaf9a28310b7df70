import { Rng } from '../random/rng';
import type { Distribution, ParamValue } from '../space/distributions';
import { sampleUniform } from '../space/sample-uniform';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Sampler } from './base';

export interface RandomSamplerOptions {
  /** Defaults to the study's seed (undefined too, so a sampler can pass its own optional seed on). */
  readonly seed?: number | undefined;
}

/**
 * Independent uniform sampling. Each value is drawn from a stream derived from the seed, the trial
 * number and the parameter name, so a study is reproduced exactly whatever the concurrency, the
 * number of processes, or the order in which parameters are suggested.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ sampler: new tune.RandomSampler({ seed: 1 }) });
 * ```
 */
export class RandomSampler implements Sampler {
  private rng: Rng | null;

  constructor(options: RandomSamplerOptions = {}) {
    this.rng = options.seed === undefined ? null : new Rng(options.seed);
  }

  bindStudySeed(seed: number): void {
    this.rng ??= new Rng(seed).derive('random-sampler');
  }

  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }

  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    this.rng ??= new Rng(_study.seed).derive('random-sampler');
    return sampleUniform(distribution, this.rng.derive(trial.number, name));
  }
}

import type { Sampler } from '../samplers/base';
import { RandomSampler } from '../samplers/random';
import { Tuner } from './tuner';

/**
 * KerasTuner's RandomSearch: hyperparameters drawn uniformly (log where asked) from `buildModel`'s
 * space, seeded.
 *
 * @example
 * ```ts
 * const tuner = new tune.RandomSearch(buildModel, { objective: 'val_acc', maxTrials: 20, seed: 1 });
 * await tuner.search(xTrain, yTrain, { epochs: 5, validationData: [xVal, yVal] });
 * const [best] = await tuner.getBestModels(1);
 * ```
 */
export class RandomSearch extends Tuner {
  protected createSampler(): Sampler {
    return new RandomSampler({ seed: this.options.seed });
  }
}

import type { Sampler } from '../samplers/base';
import { BOHB_MODEL_KEYS, BOHBSampler, type BOHBModelOptions } from '../samplers/bohb/sampler';
import { Hyperband, type HyperbandOptions } from './hyperband';
import type { BuildModelFn } from './tuner';

// The sampler moved to src/samplers/bohb/; these names stay importable from here.
export { BOHBSampler };
export type { BOHBModelOptions, BOHBSamplerOptions } from '../samplers/bohb/sampler';

export interface BOHBOptions extends HyperbandOptions, BOHBModelOptions {}

/**
 * BOHB (Falkner et al. 2018): the {@link Hyperband} tuner's schedule — brackets, promotion, resumed
 * checkpoints, storage — with new configurations proposed by {@link BOHBSampler} instead of at
 * random, from KDEs fitted on the largest budget that has enough results.
 *
 * @example
 * ```ts
 * const tuner = new tune.BOHB(buildModel, { objective: 'val_acc', maxEpochs: 27, seed: 1 });
 * await tuner.search(xTrain, yTrain, { validationData: [xVal, yVal] });
 * ```
 */
export class BOHB extends Hyperband {
  private readonly model: BOHBModelOptions;

  constructor(buildModel: BuildModelFn, options: BOHBOptions) {
    super(buildModel, options, BOHB_MODEL_KEYS);
    const model: Record<string, unknown> = {};
    for (const key of BOHB_MODEL_KEYS) {
      const value = (options as unknown as Record<string, unknown>)[key];
      if (value !== undefined) model[key] = value;
    }
    this.model = model as BOHBModelOptions;
    this.createSampler(); // checks the model options now rather than at the first search
  }

  protected override createSampler(): Sampler {
    return new BOHBSampler({ ...this.model, ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}) });
  }
}

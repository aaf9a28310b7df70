import type { Sampler } from '../samplers/base';
import { RandomSampler } from '../samplers/random';
import type { Study } from '../study/study';
import { disposeModel } from '../training/dispose-model';
import { enumerateGrid } from './grid-enumerator';
import { HyperParameters } from './hyperparameters';
import { Tuner } from './tuner';

/**
 * KerasTuner's GridSearch: every combination of the values `buildModel` can ask for (Choice,
 * Boolean, Int ranges, Floats with a step), conditional branches included, each trained once.
 * The grid is found by dry runs of `buildModel` (their models are disposed untrained) and
 * enqueued in the study, so a resumed or shared search continues where it stopped.
 *
 * @example
 * ```ts
 * const tuner = new tune.GridSearch(buildModel, { objective: 'val_loss' });
 * await tuner.search(x, y, { epochs: 3, validationSplit: 0.2 });
 * ```
 */
export class GridSearch extends Tuner {
  protected createSampler(): Sampler {
    return new RandomSampler({ seed: this.options.seed });
  }

  protected override async beforeSearch(study: Study): Promise<number> {
    const points = await enumerateGrid(async (api) => disposeModel(await this.buildModel(new HyperParameters(api))));
    if (study.systemAttrs['grid_enqueued'] !== true) {
      for (const p of points) await study.enqueueTrial(p, { skipIfExists: true });
      await study.setSystemAttr('grid_enqueued', true);
    }
    return Math.min(this.options.maxTrials ?? points.length, points.length);
  }
}

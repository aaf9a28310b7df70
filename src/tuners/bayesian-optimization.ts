import { GPSampler } from '../samplers/gp';
import type { Sampler } from '../samplers/base';
import { Tuner, type BuildModelFn, type TunerOptions } from './tuner';

export interface BayesianOptimizationOptions extends TunerOptions {
  /** Trials from a Sobol design before the GP proposes (KerasTuner's `num_initial_points`). Default 10. */
  readonly numInitialPoints?: number;
  /** The acquisition: log expected improvement (default), upper confidence bound or probability of improvement. */
  readonly acquisition?: 'logEI' | 'ucb' | 'pi';
}

/**
 * KerasTuner's BayesianOptimization: a Gaussian process (Matérn 5/2 with ARD, on tfjs tensor ops)
 * models the objective from the trials so far and proposes the next hyperparameters.
 *
 * @example
 * ```ts
 * const tuner = new tune.BayesianOptimization(buildModel, { objective: 'val_acc', maxTrials: 20, numInitialPoints: 5, seed: 1 });
 * await tuner.search(x, y, { epochs: 5, validationSplit: 0.2 });
 * ```
 */
export class BayesianOptimization extends Tuner {
  private readonly numInitialPoints: number | undefined;
  private readonly acquisition: 'logEI' | 'ucb' | 'pi' | undefined;

  constructor(buildModel: BuildModelFn, options: BayesianOptimizationOptions) {
    const { numInitialPoints, acquisition, ...rest } = options;
    super(buildModel, rest);
    this.numInitialPoints = numInitialPoints;
    this.acquisition = acquisition;
  }

  protected createSampler(): Sampler {
    return new GPSampler({
      ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
      ...(this.numInitialPoints !== undefined ? { nStartupTrials: this.numInitialPoints } : {}),
      ...(this.acquisition !== undefined ? { acquisition: this.acquisition } : {}),
    });
  }
}

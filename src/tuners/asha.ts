import { InvalidArgumentError } from '../errors';
import { ASHAScheduler, ashaRungs } from '../schedulers/asha';
import type { Scheduler } from '../schedulers/scheduler';
import { Hyperband, type HyperbandOptions } from './hyperband';
import type { BuildModelFn } from './tuner';

export interface ASHAOptions extends Omit<HyperbandOptions, 'hyperbandIterations'> {
  /**
   * New configurations the search starts, counted across resumes (each promotion is one more trial
   * of the same configuration). Default factor^(rungs - 1): as many as the most aggressive Hyperband
   * bracket starts, 81 for maxEpochs 81 and factor 3.
   */
  readonly maxTrials?: number;
}

/**
 * Asynchronous successive halving with promotions (ASHA, Li et al. 2020) as a tuner: configurations
 * start at `minEpochs`; whenever one is in the top 1/factor of a rung and not yet promoted, it
 * reloads its checkpoint (weights and optimizer state) and trains on to the next rung (`factor`
 * times the epochs) instead of a new configuration starting. Rungs are the most aggressive
 * Hyperband bracket's, so `minEpochs`, `factor` and `maxEpochs` mean what they mean for
 * {@link Hyperband}. Unlike the stopping variant (`SuccessiveHalvingPruner`, Optuna's and Ray Tune's
 * ASHA) no configuration runs on merely because it reached a rung before others did: it waits, and
 * is promoted once the rung holds enough results to say it is good. Resumable from storage; with
 * `workers`, the promotions are decided here and the jobs trained on worker threads.
 *
 * @example
 * ```ts
 * const tuner = new tune.ASHA(buildModel, { objective: 'val_acc', maxEpochs: 27, maxTrials: 60, seed: 1 });
 * await tuner.search(xTrain, yTrain, { validationData: [xVal, yVal] });
 * const [best] = await tuner.getBestModels(1);
 * ```
 */
export class ASHA extends Hyperband {
  /** New configurations to start (see {@link ASHAOptions.maxTrials}). */
  override readonly maxTrials: number;

  constructor(buildModel: BuildModelFn, options: ASHAOptions) {
    if (Object.prototype.hasOwnProperty.call(options, 'hyperbandIterations'))
      throw new InvalidArgumentError(
        'ASHA options.hyperbandIterations',
        (options as { hyperbandIterations?: unknown }).hyperbandIterations,
        'left out (ASHA runs one bracket; set maxTrials)',
      );
    super(buildModel, options, ['maxTrials']);
    const rungs = ashaRungs(this.maxEpochs, this.factor, this.minEpochs);
    this.maxTrials = options.maxTrials ?? this.factor ** (rungs.length - 1);
    if (!Number.isInteger(this.maxTrials) || this.maxTrials < 1)
      throw new InvalidArgumentError('maxTrials', options.maxTrials, 'an integer >= 1');
  }

  /** The rungs' epochs, bottom first. */
  get rungs(): number[] {
    return ashaRungs(this.maxEpochs, this.factor, this.minEpochs);
  }

  protected override createScheduler(): Scheduler {
    // Released: parents of completed promotions. Any other partial checkpoint may still be promoted
    // as its rung fills, so it stays.
    return new ASHAScheduler({
      maxEpochs: this.maxEpochs,
      factor: this.factor,
      minEpochs: this.minEpochs,
      maxTrials: this.maxTrials,
    });
  }
}

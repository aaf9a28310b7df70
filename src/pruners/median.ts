import { PercentilePruner, type PercentilePrunerOptions } from './percentile';

/**
 * Prunes a trial whose best value so far is worse than the median of the completed trials at the
 * same step: the 50th-percentile case of {@link PercentilePruner}.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ pruner: new tune.MedianPruner({ nWarmupSteps: 2 }) });
 * ```
 */
export class MedianPruner extends PercentilePruner {
  constructor(options: PercentilePrunerOptions = {}) {
    super(50, options);
  }
}

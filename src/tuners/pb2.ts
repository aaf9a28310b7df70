import type { BuildModelFn } from './tuner';
import { pb2Explorer, type PB2ExplorerOptions } from '../schedulers/pb2/pb2-explorer';
import type { HyperModel } from '../training/hyper-model';
import { PopulationBasedTraining, type PopulationBasedTrainingOptions } from './population-based-training';

export interface PB2Options extends Omit<PopulationBasedTrainingOptions, 'explorer'> {
  /**
   * The bandit's settings (`window`, `minObservations`, `rewardContext`, `timeScale`, `kernel`,
   * `candidates`, `maxCategoricalCombinations`); PBT's `resampleProbability` and
   * `perturbationFactors` are its fallback while it has too few intervals to fit.
   */
  readonly pb2?: Omit<PB2ExplorerOptions, 'resampleProbability' | 'perturbationFactors'>;
}

/**
 * PB2 (Parker-Holder et al., NeurIPS 2020): population-based training whose explore step is a
 * GP-UCB bandit on the reward change per interval, with a time-varying kernel — the same loop,
 * exploit, lineage, storage and replay as {@link PopulationBasedTraining}. Unlike Ray Tune's PB2,
 * categorical parameters may mutate.
 *
 * @example
 * ```ts
 * const tuner = new tune.tuners.PB2(tune.models.cnn, {
 *   objective: 'val_acc', populationSize: 4, perturbationInterval: 2, totalEpochs: 12,
 *   hyperparamMutations: ['learning_rate', 'dropout'], seed: 1,
 * });
 * ```
 */
export class PB2 extends PopulationBasedTraining {
  constructor(model: HyperModel | BuildModelFn, options: PB2Options) {
    const { pb2, ...rest } = options;
    const explorer = pb2Explorer({
      ...pb2,
      ...(rest.resampleProbability !== undefined ? { resampleProbability: rest.resampleProbability } : {}),
      ...(rest.perturbationFactors !== undefined ? { perturbationFactors: rest.perturbationFactors } : {}),
    });
    super(model, { ...rest, explorer });
  }
}

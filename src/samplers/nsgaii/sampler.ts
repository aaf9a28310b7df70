import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { GeneticSampler } from './genetic-sampler';
import { GENETIC_KEYS, type GeneticSamplerOptions } from './options';
import { crowdingElite } from './selection';

export type NSGAIISamplerOptions = GeneticSamplerOptions;

/**
 * NSGA-II (Deb et al. 2002), with Optuna's semantics and defaults: generations of
 * `populationSize` (50) completed trials; each generation's survivors, chosen from it and the
 * previous survivors by fast non-dominated sorting and then crowding distance (elitist), are the
 * parents of the next. A child is a crossover (probability 0.9; uniform by default, or BLX-α, SBX,
 * vSBX, UNDX, SPX) of parents picked by binary tournament, each gene then redrawn at random with
 * probability `mutationProb` (default 1 / number of parameters). Works for one or several
 * objectives and any space: floats, ints, log and stepped ranges, categoricals; parameters outside
 * the space every completed trial shares are drawn at random.
 *
 * - `constraintsFunc`: each trial's constraints (≤ 0 feasible) are recorded as it ends; survival
 *   and tournaments use constrained domination (feasible first, then smaller total violation).
 * - Several processes on one storage breed from the same parents: the generations are replayed
 *   from the stored trials (see ARCHITECTURE.md, "CMA-ES and evolution").
 *
 * @example
 * ```ts
 * const sampler = new tune.samplers.NSGAIISampler({ seed: 1, crossover: 'sbx' });
 * const study = await tune.createStudy({ directions: ['maximize', 'minimize'], sampler });
 * ```
 */
export class NSGAIISampler extends GeneticSampler {
  constructor(options: NSGAIISamplerOptions = {}) {
    super('NSGAIISampler', options, GENETIC_KEYS);
  }

  // The generation is not needed: crowding-distance survival draws nothing at random.
  protected selectSurvivors(study: StudyView, population: readonly FrozenTrial[], _generation: number): FrozenTrial[] {
    return crowdingElite(population, study.directions, this.opts.populationSize, this.constrained);
  }
}

import { InvalidArgumentError } from '../../errors';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { GeneticSampler } from '../nsgaii/genetic-sampler';
import { GENETIC_KEYS, type GeneticSamplerOptions } from '../nsgaii/options';
import { nichingElite } from './niching';
import { dasDennisPoints } from './reference-points';

export interface NSGAIIISamplerOptions extends GeneticSamplerOptions {
  /** Reference points, one row per direction, each with one value per objective. Default: Das–Dennis with `dividingParameter`. */
  readonly referencePoints?: readonly (readonly number[])[];
  /** Divisions per edge of the simplex for the default reference points. Default 3. */
  readonly dividingParameter?: number;
}

/**
 * NSGA-III (Deb & Jain 2014), with Optuna's semantics and defaults: NSGA-II's generations,
 * children and constraints, but survivors of the last front that fits only in part are chosen by
 * niching around reference directions (Das–Dennis points by default) instead of crowding
 * distance, which keeps a spread front on three or more objectives. Unlike Optuna, maximised
 * objectives are negated before the normalisation.
 *
 * @example
 * ```ts
 * const sampler = new tune.samplers.NSGAIIISampler({ seed: 1, populationSize: 92, dividingParameter: 12 });
 * const study = await tune.createStudy({ directions: ['minimize', 'minimize', 'minimize'], sampler });
 * ```
 */
export class NSGAIIISampler extends GeneticSampler {
  private readonly referencePoints: readonly number[][] | null;
  private readonly dividingParameter: number;

  constructor(options: NSGAIIISamplerOptions = {}) {
    super('NSGAIIISampler', options, [...GENETIC_KEYS, 'referencePoints', 'dividingParameter']);
    const divisions = options.dividingParameter ?? 3;
    if (!(Number.isInteger(divisions) && divisions >= 1)) {
      throw new InvalidArgumentError('NSGAIIISampler dividingParameter', divisions, 'an integer >= 1');
    }
    this.dividingParameter = divisions;
    const given = options.referencePoints;
    if (given !== undefined) {
      const ok =
        Array.isArray(given) &&
        given.length > 0 &&
        given.every(
          (r) =>
            Array.isArray(r) &&
            r.length === (given[0] as readonly number[]).length &&
            r.every((v) => Number.isFinite(v) && v >= 0) &&
            r.some((v) => v > 0),
        );
      if (!ok) {
        throw new InvalidArgumentError(
          'NSGAIIISampler referencePoints',
          given,
          'a non-empty array of rows of equal length, each of finite numbers >= 0, not all 0',
        );
      }
    }
    this.referencePoints = given === undefined ? null : copyRows(given);
  }

  protected selectSurvivors(study: StudyView, population: readonly FrozenTrial[], generation: number): FrozenTrial[] {
    const m = study.directions.length;
    const references = this.referencePoints ?? dasDennisPoints(m, this.dividingParameter);
    if ((references[0] as number[]).length !== m) {
      throw new InvalidArgumentError(
        'NSGAIIISampler referencePoints',
        this.referencePoints,
        `rows of ${m} values (one per objective of the study)`,
      );
    }
    const rng = this.rootRng(study, 'NSGAIIISampler').derive('niching', generation);
    return nichingElite(population, study.directions, this.opts.populationSize, this.constrained, references, rng);
  }
}

function copyRows(rows: readonly (readonly number[])[]): number[][] {
  return rows.map((r) => [...r]);
}

import { InvalidArgumentError } from '../errors';
import { Rng } from '../random/rng';
import type { Distribution, ParamValue } from '../space/distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import { IntersectionSearchSpace } from './intersection-search-space';
import { JointSampler, withoutSingleValued } from './joint-sampler';
import { HaltonEngine } from './qmc/halton';
import { SobolEngine } from './qmc/sobol';
import { SOBOL_MAX_DIM } from './qmc/sobol-directions';
import { fromUnit } from './qmc/unit-transform';

export type QMCType = 'sobol' | 'halton';

export interface QMCSamplerOptions {
  /** The low-discrepancy sequence. Default 'sobol'. */
  readonly qmcType?: QMCType;
  /** Randomise the sequence (Sobol: linear matrix scramble + digital shift; Halton: digit permutations). Default true. */
  readonly scramble?: boolean;
  /** Seeds the scramble and the random first trial; defaults to the study's seed. */
  readonly seed?: number;
}

const KEYS = ['qmcType', 'scramble', 'seed'];

/**
 * Quasi-Monte Carlo sampling: trial i gets point i of a (scrambled) Sobol' or Halton sequence,
 * which covers the space more evenly than independent random draws. The space is the one every
 * completed trial shares (names sorted, one dimension each, mapped through each distribution's
 * unit-interval transform); until a trial has completed, and for parameters outside that space,
 * values are drawn at random. The point depends on the trial number alone, so concurrent workers
 * and several processes draw the same points as a sequential run.
 *
 * Sobol' covers up to 53 parameters jointly (Joe–Kuo direction numbers); further ones are drawn at
 * random. Halton has no limit, but its quality falls with the dimension.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ sampler: new tune.QMCSampler({ qmcType: 'sobol', seed: 1 }) });
 * ```
 */
export class QMCSampler extends JointSampler {
  readonly qmcType: QMCType;
  readonly scramble: boolean;
  private engine: SobolEngine | HaltonEngine | null = null;
  private readonly space = new IntersectionSearchSpace();

  constructor(options: QMCSamplerOptions = {}) {
    super('QMCSampler', options, KEYS);
    this.qmcType = options.qmcType ?? 'sobol';
    if (this.qmcType !== 'sobol' && this.qmcType !== 'halton') {
      throw new InvalidArgumentError('qmcType', this.qmcType, "'sobol' or 'halton'");
    }
    this.scramble = options.scramble ?? true;
    if (typeof this.scramble !== 'boolean') throw new InvalidArgumentError('scramble', this.scramble, 'true or false');
  }

  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    const out: Record<string, Distribution> = {};
    const limit = this.qmcType === 'sobol' ? SOBOL_MAX_DIM : Infinity;
    let dims = 0;
    // Sorted names (the intersection's order), so a name keeps its dimension from trial to trial.
    for (const [name, d] of Object.entries(withoutSingleValued(this.space.calculate(study)))) {
      if (dims >= limit) continue;
      out[name] = d;
      dims++;
    }
    return out;
  }

  protected sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue> {
    const u = this.engineFor(study).point(trial.number, names.length);
    const out: Record<string, ParamValue> = {};
    names.forEach((name, d) => (out[name] = fromUnit(searchSpace[name] as Distribution, u[d] as number)));
    return out;
  }

  private engineFor(study: StudyView): SobolEngine | HaltonEngine {
    if (this.engine === null) {
      const root = new Rng(this.seedFor(study)).derive('qmc', this.qmcType);
      const rngFor = this.scramble ? (dim: number): Rng => root.derive(dim) : null;
      this.engine = this.qmcType === 'sobol' ? new SobolEngine(rngFor) : new HaltonEngine(rngFor);
    }
    return this.engine;
  }
}

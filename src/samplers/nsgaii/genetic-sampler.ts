import type { Distribution, ParamValue } from '../../space/distributions';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { IntersectionSearchSpace } from '../intersection-search-space';
import { JointSampler, withoutSingleValued } from '../joint-sampler';
import { breedChild } from './child';
import { GenerationReplay } from './generations';
import { resolveGeneticOptions, type GeneticSamplerOptions, type ResolvedGeneticOptions } from './options';

/**
 * What NSGA-II and NSGA-III share (Optuna's `BaseGASampler` with the NSGA-II child generation):
 * generations replayed from stored trials, children bred over the parameters every completed trial
 * shares, the rest (and generation 0, and mutated genes) drawn by the owned RandomSampler. They
 * differ in how a generation's survivors are chosen ({@link GeneticSampler.selectSurvivors}).
 *
 * Reproducible: a child's draws come from a stream derived from the seed and the trial number,
 * survivor selection's from the seed and the generation, so a sequential study replays exactly.
 */
export abstract class GeneticSampler extends JointSampler {
  protected readonly opts: ResolvedGeneticOptions;
  /** Records the constraints of each trial as it ends; present only with `constraintsFunc`. */
  readonly evaluateConstraints?: (trial: FrozenTrial) => readonly number[];
  private readonly space = new IntersectionSearchSpace();
  private readonly replay: GenerationReplay;
  private readonly label: string;

  protected constructor(name: string, options: GeneticSamplerOptions, keys: readonly string[]) {
    super(name, options, keys);
    this.label = name;
    this.opts = resolveGeneticOptions(name, options);
    const constraints = this.opts.constraintsFunc;
    if (constraints !== undefined) this.evaluateConstraints = (trial) => constraints(trial);
    this.replay = new GenerationReplay(this.opts.populationSize);
  }

  /** Whether survival and tournaments use constrained domination. */
  protected get constrained(): boolean {
    return this.opts.constraintsFunc !== undefined;
  }

  /** The `populationSize` survivors of `population` (a generation's members, then the previous survivors). */
  protected abstract selectSurvivors(
    study: StudyView,
    population: readonly FrozenTrial[],
    generation: number,
  ): FrozenTrial[];

  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    return withoutSingleValued(this.space.calculate(study));
  }

  protected sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    space: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue> {
    const { parents } = this.replay.parents(study, (population, generation) =>
      this.selectSurvivors(study, population, generation),
    );
    if (parents === null || parents.length === 0) return {};
    const rng = this.rootRng(study, this.label).derive('child', trial.number);
    return breedChild(
      parents,
      space,
      names,
      { ...this.opts, directions: study.directions, constrained: this.constrained },
      rng,
    );
  }
}

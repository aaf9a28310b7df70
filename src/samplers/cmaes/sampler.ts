import { InvalidArgumentError } from '../../errors';
import { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/state';
import { stderrLogger, type Logger } from '../../util/logger';
import { IntersectionSearchSpace } from '../intersection-search-space';
import { JointSampler, withoutSingleValued } from '../joint-sampler';
import { KEYS, resolveCmaEsOptions, type CmaEsSamplerOptions, type ResolvedCmaEsOptions } from './options';
import { CmaReplay, type CmaEsState } from './replay';
import { UnitSpace } from './unit-space';

type Numeric = Exclude<Distribution, { type: 'categorical' }>;

/**
 * CMA-ES (Hansen's covariance matrix adaptation evolution strategy) with Optuna's CmaEsSampler
 * semantics: float and int parameters (log ones in log space, stepped ones on their grid) that
 * every completed trial shares are searched jointly in the unit cube; categorical parameters, and
 * any outside that space, go to `independentSampler`. A generation is `popsize` completed trials;
 * `restartStrategy: 'ipop'` restarts a stopped run with a larger population, and `withMargin`
 * keeps int and stepped parameters from collapsing onto one value.
 *
 * - Nothing is stored: the CMA-ES state is replayed from the completed trials in number order (see
 *   `CmaReplay`), cached in memory and advanced as trials finish, so every process that
 *   reads the same storage samples from the same state, and a reloaded study resumes where it was.
 * - Reproducible: trial n's draw comes from a stream derived from the seed and n.
 * - Single objective only: a study with several directions gets an InvalidArgumentError.
 *
 * @example
 * ```ts
 * const sampler = new tune.CmaEsSampler({ seed: 1, restartStrategy: 'ipop' });
 * const study = await tune.createStudy({ sampler });
 * await study.optimize((t) => t.suggestFloat('x', -5, 5) ** 2 + t.suggestFloat('y', -5, 5) ** 2, { nTrials: 100 });
 * ```
 */
export class CmaEsSampler extends JointSampler {
  private readonly opts: ResolvedCmaEsOptions;
  private readonly logger: Logger | undefined;
  private readonly intersection = new IntersectionSearchSpace();
  private cache: { key: string; replay: CmaReplay; space: UnitSpace } | null = null;
  private readonly warned = new Set<string>();

  constructor(options: CmaEsSamplerOptions = {}) {
    super('CmaEsSampler', options, KEYS);
    this.opts = resolveCmaEsOptions(options);
    this.logger = options.logger;
  }

  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    checkSingleObjective(study);
    const out: Record<string, Distribution> = {};
    for (const [name, d] of Object.entries(withoutSingleValued(this.intersection.calculate(study)))) {
      if (d.type !== 'categorical') out[name] = d; // categorical parameters have no order for a Gaussian
    }
    return out;
  }

  protected sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Record<string, ParamValue> {
    if (this.completed(study) < this.opts.nStartupTrials) return {};
    const { replay, space } = this.replayFor(study, searchSpace);
    return space.fromUnit(replay.ask(trial.number));
  }

  override sampleIndependent(
    study: StudyView,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    checkSingleObjective(study);
    if (this.opts.warnIndependentSampling && !distribution.single()) {
      const key = `${study.studyName}|${name}`;
      if (!this.warned.has(key) && this.completed(study) >= this.opts.nStartupTrials) {
        this.warned.add(key);
        this.log(study).warn(
          `CmaEsSampler: parameter "${name}" (trial ${trial.number}) is sampled independently, not by CMA-ES ` +
            '(it is categorical, or not used with the same distribution by every completed trial); ' +
            'set warnIndependentSampling: false if that is intended',
        );
      }
    }
    return super.sampleIndependent(study, trial, name, distribution);
  }

  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | null): void {
    this.fallback.afterTrial?.(study, trial, state, values);
  }

  /**
   * The CMA-ES state the next trial would be sampled from (null while the joint space is empty):
   * for diagnostics, and to check that two processes agree.
   */
  currentState(study: StudyView): CmaEsState | null {
    const space = this.inferRelativeSearchSpace(study);
    if (Object.keys(space).length === 0) return null;
    return this.replayFor(study, space).replay.state();
  }

  private completed(study: StudyView): number {
    return study.getTrials({ states: ['COMPLETE'] }).length;
  }

  /** The replay for this study and space, advanced to the trials now finished. */
  private replayFor(
    study: StudyView,
    searchSpace: Record<string, Distribution>,
  ): { replay: CmaReplay; space: UnitSpace } {
    const names = Object.keys(searchSpace).sort();
    const dists = names.map((n) => searchSpace[n] as Numeric);
    const seed = this.seedFor(study);
    const key = JSON.stringify([study.studyName, seed, names, dists.map((d) => d.toJSON())]);
    const trials = study.getTrials();
    if (this.cache?.key === key && this.cache.replay.advance(trials)) return this.cache;
    const space = new UnitSpace(names, dists, this.opts.withMargin);
    const root = new Rng(seed).derive('cmaes-sampler');
    const replay = new CmaReplay({
      space,
      x0: this.initialMean(space),
      sigma0: this.opts.sigma0,
      popsize: this.opts.popsize,
      restartStrategy: this.opts.restartStrategy,
      incPopsize: this.opts.incPopsize,
      nStartupTrials: this.opts.nStartupTrials,
      sign: study.directions[0] === 'maximize' ? -1 : 1,
      askRng: (n) => root.derive('ask', n),
      restartRng: (r) => root.derive('restart', r),
    });
    replay.advance(trials);
    this.cache = { key, replay, space };
    return this.cache;
  }

  /** `x0` in the unit cube; the centre for parameters it leaves out. */
  private initialMean(space: UnitSpace): Float64Array {
    const params: Record<string, ParamValue> = {};
    space.names.forEach((name, i) => {
      const d = space.dists[i] as Numeric;
      const v = this.opts.x0[name];
      if (v === undefined) return;
      if (v < d.low || v > d.high) throw new InvalidArgumentError(`x0.${name}`, v, `a value in ${d.describe()}`);
      params[name] = v;
    });
    const u = space.toUnit(params);
    space.names.forEach((name, i) => {
      if (!(name in params)) u[i] = 0.5;
    });
    return u;
  }

  private log(study: StudyView): Logger {
    return this.logger ?? (study as Partial<{ logger: Logger }>).logger ?? stderrLogger;
  }
}

function checkSingleObjective(study: StudyView): void {
  if (study.directions.length !== 1) {
    throw new InvalidArgumentError(
      'CmaEsSampler study directions',
      study.directions,
      'a single direction (CmaEsSampler is single-objective; use TPESampler or EvolutionSampler for several)',
    );
  }
}

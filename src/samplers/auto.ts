import { InvalidArgumentError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { TrialState } from '../trial/state';
import type { Logger } from '../util/logger';
import type { ConstraintsFunc, Sampler } from './base';
import { GPSampler } from './gp';
import { NSGAIISampler } from './nsgaii/sampler';
import { TPESampler } from './tpe/sampler';

/** The sampler {@link AutoSampler} hands a trial to. */
export type AutoChoice = 'gp' | 'tpe' | 'nsgaii';

export interface AutoSamplerOptions {
  /** Seed of every sampler it delegates to; defaults to the study's. */
  readonly seed?: number;
  /** One objective, numerical space: the GP models up to this many completed trials, TPE after. Default 200. */
  readonly gpMaxTrials?: number;
  /** Several objectives: TPE (MOTPE) before this many completed trials, NSGA-II from then on. Default 250. */
  readonly nsgaiiAfterTrials?: number;
  /** NSGA-II's generation size. Default 50. */
  readonly populationSize?: number;
  /** Constraints (≤ 0 feasible), passed to TPE and NSGA-II; one objective with constraints always uses TPE. */
  readonly constraintsFunc?: ConstraintsFunc;
  /** Where the GP reports its fallbacks. Default: the study's logger, else stderr. */
  readonly logger?: Logger;
}

const KEYS = ['seed', 'gpMaxTrials', 'nsgaiiAfterTrials', 'populationSize', 'constraintsFunc', 'logger'];

/**
 * Picks the sampler for each trial from the study as it stands (after OptunaHub's AutoSampler):
 *
 * - one objective, every parameter numerical and used by every trial: {@link GPSampler}, the most
 *   sample-efficient, while at most `gpMaxTrials` trials are complete (its cost grows with them);
 * - one objective otherwise (a categorical parameter, a conditional space, constraints, or a larger
 *   budget): {@link TPESampler}, multivariate with groups, which models conditional spaces;
 * - several objectives: TPE (MOTPE) for the first `nsgaiiAfterTrials` completed trials, then
 *   {@link NSGAIISampler}, which scales to large budgets.
 *
 * Each sampler rebuilds its model from the stored trials (NSGA-II replays its generations from them,
 * whoever suggested them), so a switch loses no trial. The choice is a function of the stored
 * trials and the sub-samplers are seeded alike, so one seed reproduces a study.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ sampler: new tune.samplers.AutoSampler({ seed: 1 }) });
 * ```
 */
export class AutoSampler implements Sampler {
  readonly gpMaxTrials: number;
  readonly nsgaiiAfterTrials: number;
  /** Records the constraints of each trial as it ends; present only with `constraintsFunc`. */
  readonly evaluateConstraints?: (trial: FrozenTrial) => readonly number[];
  private readonly gp: GPSampler;
  /** One objective: TPE with groups (conditional spaces); several: MOTPE, univariate as Optuna's default. */
  private readonly tpe: TPESampler;
  private readonly motpe: TPESampler;
  private readonly nsgaii: NSGAIISampler;
  private readonly constrained: boolean;
  /** The choice for each running trial (study name and number), so all its calls go to one sampler. */
  private readonly chosen = new Map<string, AutoChoice>();

  constructor(options: AutoSamplerOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!KEYS.includes(key))
        throw new InvalidArgumentError(`AutoSampler options.${key}`, key, `one of ${KEYS.join(', ')}`);
    }
    this.gpMaxTrials = count('gpMaxTrials', options.gpMaxTrials ?? 200);
    this.nsgaiiAfterTrials = count('nsgaiiAfterTrials', options.nsgaiiAfterTrials ?? 250);
    const constraintsFunc = options.constraintsFunc;
    if (constraintsFunc !== undefined && typeof constraintsFunc !== 'function') {
      throw new InvalidArgumentError('constraintsFunc', constraintsFunc, 'a function of a trial');
    }
    this.constrained = constraintsFunc !== undefined;
    if (constraintsFunc !== undefined) this.evaluateConstraints = (trial) => constraintsFunc(trial);
    const seed = options.seed === undefined ? {} : { seed: options.seed };
    const constraints = constraintsFunc === undefined ? {} : { constraintsFunc };
    this.gp = new GPSampler({ ...seed, ...(options.logger === undefined ? {} : { logger: options.logger }) });
    this.tpe = new TPESampler({ ...seed, ...constraints, group: true });
    this.motpe = new TPESampler({ ...seed, ...constraints });
    this.nsgaii = new NSGAIISampler({
      ...seed,
      ...constraints,
      ...(options.populationSize === undefined ? {} : { populationSize: options.populationSize }),
    });
  }

  bindStudySeed(seed: number): void {
    for (const s of [this.gp, this.tpe, this.motpe, this.nsgaii]) s.bindStudySeed(seed);
  }

  /** The sampler a trial starting now would get: a function of the study's stored trials. */
  choose(study: StudyView): AutoChoice {
    const complete = study.getTrials({ states: ['COMPLETE'] }).length;
    if (study.directions.length > 1) return complete < this.nsgaiiAfterTrials ? 'tpe' : 'nsgaii';
    if (this.constrained || complete > this.gpMaxTrials) return 'tpe';
    return numericalAndFixed(study.getTrials({ states: ['COMPLETE', 'PRUNED'] })) ? 'gp' : 'tpe';
  }

  async beforeTrial(study: StudyView, trial: FrozenTrial): Promise<void> {
    await this.samplerFor(study, trial).beforeTrial?.(study, trial);
  }

  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution> {
    return this.samplerFor(study, trial).inferRelativeSearchSpace(study, trial);
  }

  sampleRelative(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Record<string, ParamValue> | Promise<Record<string, ParamValue>> {
    return this.samplerFor(study, trial).sampleRelative(study, trial, searchSpace);
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return this.samplerFor(study, trial).sampleIndependent(study, trial, name, distribution);
  }

  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | null): void {
    const sampler = this.samplerFor(study, trial);
    this.chosen.delete(keyOf(study, trial));
    sampler.afterTrial?.(study, trial, state, values);
  }

  /** The sampler this trial was given when it started (chosen now if this process did not start it). */
  private samplerFor(study: StudyView, trial: FrozenTrial): Sampler {
    const key = keyOf(study, trial);
    let choice = this.chosen.get(key);
    if (choice === undefined) {
      choice = this.choose(study);
      this.chosen.set(key, choice);
    }
    if (choice === 'gp') return this.gp;
    if (choice === 'nsgaii') return this.nsgaii;
    return study.directions.length > 1 ? this.motpe : this.tpe;
  }
}

function keyOf(study: StudyView, trial: FrozenTrial): string {
  return `${study.studyName}\u0000${trial.number}`;
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(name, value, 'an integer >= 0');
  return value;
}

/**
 * Whether the finished trials so far used the same parameters, none of them categorical with a
 * choice to make: the space a GP models well. True before any trial finishes (nothing says otherwise).
 */
function numericalAndFixed(trials: readonly FrozenTrial[]): boolean {
  let names: string | null = null;
  for (const t of trials) {
    for (const d of Object.values(t.distributions)) {
      if (d.type === 'categorical' && !d.single()) return false;
    }
    const these = Object.keys(t.distributions).sort().join('\u0000');
    if (names !== null && these !== names) return false;
    names = these;
  }
  return true;
}

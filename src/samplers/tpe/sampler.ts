import type { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/state';
import { IntersectionSearchSpace } from '../intersection-search-space';
import { JointSampler, withoutSingleValued } from '../joint-sampler';
import {
  gammaFor,
  isMultivariateFor,
  KEYS,
  resolveTPEOptions,
  type ResolvedTPEOptions,
  type TPESamplerOptions,
} from './options';
import { ParzenEstimator, type ParzenOptions } from './parzen-estimator';
import { GroupDecomposedSearchSpace } from './search-space';
import { splitTrials, type TrialSplit } from './split';
import { fromModelSpace, parzenDim, toModelSpace } from './transform';

const FINISHED: readonly TrialState[] = ['COMPLETE', 'PRUNED'];
const WITH_RUNNING: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'RUNNING'];
/** Relative difference below which two candidates' scores count as equal. */
const TIE_TOLERANCE = 1e-12;

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), with current Optuna's semantics and
 * defaults (5.0; what changed since 3.5 is listed in `./options`).
 * Finished trials are split into a good group (the best `gamma(n)`) and the rest; each is modelled
 * by a Parzen estimator l(x) and g(x); `nEICandidates` draws from l(x) are scored by
 * log l(x) - log g(x) and the best one is suggested.
 *
 * - Multivariate by default with one objective: the parameters all trials share are modelled
 *   jointly; with several objectives, or `multivariate: false`, each parameter alone,
 *   synchronously in `suggest*`. `group` splits a conditional space into groups of parameters
 *   always used together and models each group jointly.
 * - Pruned trials rank after completed ones, by how far they got and their last value.
 * - `constantLiar` (default on) counts RUNNING trials as bad ones, so concurrent workers spread out.
 * - Several objectives: MOTPE (non-dominated sorting and hypervolume subset selection; uniform
 *   weights of the good trials by default).
 * - `constraintsFunc`: infeasible trials rank after feasible ones, by total violation (Optuna's
 *   constrained TPE).
 * - Reproducible: each draw comes from a stream derived from the seed and the trial number, so a
 *   sequential study replays exactly. The first `nStartupTrials` are random.
 *
 * @example
 * ```ts
 * const sampler = new tune.TPESampler({ seed: 1, multivariate: false }); // univariate TPE
 * const study = await tune.createStudy({ sampler });
 * ```
 */
export class TPESampler extends JointSampler {
  private readonly opts: ResolvedTPEOptions;
  private readonly intersection = new IntersectionSearchSpace({ includePruned: true });
  private readonly groups: GroupDecomposedSearchSpace | null;
  /** The split for the trial being sampled: every parameter of a trial shares one. */
  private cached: { key: string; split: TrialSplit } | null = null;
  /** Records the constraints of each trial as it ends; present only with `constraintsFunc`. */
  readonly evaluateConstraints?: (trial: FrozenTrial) => readonly number[];

  constructor(options: TPESamplerOptions = {}) {
    super('TPESampler', options, KEYS);
    this.opts = resolveTPEOptions(options);
    const constraints = this.opts.constraintsFunc;
    if (constraints !== undefined) this.evaluateConstraints = (trial) => constraints(trial);
    this.groups = this.opts.group ? new GroupDecomposedSearchSpace(true) : null;
  }

  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    if (!this.isMultivariate(study)) return {};
    const out: Record<string, Distribution> = {};
    const spaces = this.groups === null ? [this.intersection.calculate(study)] : this.groups.calculate(study);
    for (const space of spaces) Object.assign(out, withoutSingleValued(space));
    return out;
  }

  protected sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue> {
    if (study.getTrials({ states: FINISHED }).length < this.opts.nStartupTrials) return {};
    const parts =
      this.groups === null
        ? [names]
        : this.groups
            .calculate(study)
            .map((g) => names.filter((n) => Object.prototype.hasOwnProperty.call(g, n)))
            .filter((g) => g.length > 0);
    const out: Record<string, ParamValue> = {};
    for (const part of parts) {
      // Distinct first keys keep relative and independent streams apart whatever the names are.
      const rng = this.root(study).derive('relative', trial.number, ...part);
      const values = this.sampleJoint(
        study,
        trial,
        part,
        part.map((n) => searchSpace[n] as Distribution),
        rng,
      );
      part.forEach((n, i) => (out[n] = values[i] as ParamValue));
    }
    return out;
  }

  override sampleIndependent(
    study: StudyView,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    if (study.getTrials({ states: FINISHED }).length < this.opts.nStartupTrials) {
      return super.sampleIndependent(study, trial, name, distribution);
    }
    const rng = this.root(study).derive('independent', trial.number, name);
    return this.sampleJoint(study, trial, [name], [distribution], rng)[0] as ParamValue;
  }

  private isMultivariate(study: StudyView): boolean {
    return isMultivariateFor(this.opts, study.directions.length);
  }

  private root(study: StudyView): Rng {
    return this.rootRng(study, 'tpe', 'tpe-sampler');
  }

  /** One TPE step over `names` jointly: the values of the best of `nEICandidates` candidates. */
  private sampleJoint(
    study: StudyView,
    trial: FrozenTrial,
    names: readonly string[],
    dists: readonly Distribution[],
    rng: Rng,
  ): ParamValue[] {
    const split = this.splitFor(study, trial);
    const dims = dists.map(parzenDim);
    const below = observations(split.below, names, split.belowWeights);
    const above = observations(split.above, names, null);
    const opts: ParzenOptions = {
      ...this.opts,
      multivariate: this.isMultivariate(study),
      rules: this.opts.parzenRules,
    };
    const l = new ParzenEstimator(below.values, dims, opts, below.weights ?? undefined);
    const g = new ParzenEstimator(above.values, dims, opts);
    const n = this.opts.nEICandidates;
    const candidates = l.sample(rng, n);
    // Log axes are scored where the candidate lands once returned (Optuna's sample-then-log_pdf
    // round trip): a log int at the log of its rounded value, not between two integers.
    dists.forEach((d, j) => {
      if (d.type === 'categorical' || !d.log) return;
      const xs = candidates[j] as Float64Array;
      for (let i = 0; i < n; i++) xs[i] = toModelSpace(d, fromModelSpace(d, xs[i] as number));
    });
    const logL = l.logPdf(candidates, n);
    const logG = g.logPdf(candidates, n);
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      const score = (logL[i] as number) - (logG[i] as number);
      // NaN (both densities zero) never wins; the first of equal scores does (numpy's argmax).
      // Scores equal but for rounding (two categories with the same counts, summed in another
      // order) are equal too: the first drawn wins, not whichever the rounding favours.
      if (
        bestScore === -Infinity
          ? score > bestScore
          : score > bestScore + TIE_TOLERANCE * Math.max(1, Math.abs(bestScore))
      ) {
        bestScore = score;
        best = i;
      }
    }
    return dists.map((d, j) => fromModelSpace(d, (candidates[j] as Float64Array)[best] as number));
  }

  /**
   * The good/bad split for this trial. Finished trials only accumulate, so their count identifies
   * the set; running ones (constant liar) are fingerprinted by number and parameter count.
   */
  private splitFor(study: StudyView, trial: FrozenTrial): TrialSplit {
    const liar = this.opts.constantLiar;
    const trials = study.getTrials({ states: liar ? WITH_RUNNING : FINISHED }).filter((t) => t.number !== trial.number);
    let nFinished = 0;
    let running = '';
    for (const t of trials) {
      if (t.state === 'RUNNING') running += `${t.number}:${Object.keys(t.params).length},`;
      else nFinished++;
    }
    const key = `${study.studyName}|${trial.number}|${nFinished}|${running}`;
    if (this.cached?.key === key) return this.cached.split;
    const nBelow = Math.max(0, Math.floor(gammaFor(this.opts, study.directions.length)(nFinished)));
    const split = splitTrials(
      trials,
      study.directions,
      nBelow,
      this.opts.constraintsFunc !== undefined,
      this.opts.motpeWeights,
    );
    this.cached = { key, split };
    return split;
  }
}

/**
 * The values of `names` in the trials that used all of them, in the model's space, oldest first,
 * with their MOTPE weights when given (aligned with `trials`).
 */
function observations(
  trials: readonly FrozenTrial[],
  names: readonly string[],
  weights: Float64Array | null,
): { values: Float64Array[]; weights: Float64Array | null } {
  const values = names.map(() => new Float64Array(trials.length));
  const kept = weights === null ? null : new Float64Array(trials.length);
  let n = 0;
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i] as FrozenTrial;
    let hasAll = true;
    for (const name of names) {
      if (!Object.prototype.hasOwnProperty.call(t.params, name)) {
        hasAll = false;
        break;
      }
    }
    if (!hasAll) continue;
    names.forEach((name, j) => {
      (values[j] as Float64Array)[n] = toModelSpace(
        t.distributions[name] as Distribution,
        t.params[name] as ParamValue,
      );
    });
    if (kept !== null && weights !== null) kept[n] = weights[i] as number;
    n++;
  }
  return { values: values.map((v) => v.subarray(0, n)), weights: kept === null ? null : kept.subarray(0, n) };
}

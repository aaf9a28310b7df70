import { InvalidArgumentError, quote } from '../errors';
import { ACQUISITION_NAMES, type AcquisitionName } from '../gp/acquisition';
import { KERNEL_NAMES, type KernelName } from '../gp/kernels';
import { SearchSpaceEncoding } from '../gp/search-space-encoding';
import { normalQuantile } from '../gp/normal-tails';
import { BATCH_STRATEGIES, type BatchStrategy, suggestPoint } from '../gp/suggest';
import { suggestConstrained } from '../gp/suggest-constrained';
import type { Rng } from '../random/rng';
import { distributionsEqual, type Distribution, type ParamValue } from '../space/distributions';
import { constraintsOf } from '../study/multi-objective';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import { stderrLogger, type Logger } from '../util/logger';
import type { ConstraintsFunc } from './base';
import { IntersectionSearchSpace } from './intersection-search-space';
import { JointSampler, withoutSingleValued } from './joint-sampler';
import { SobolEngine } from './qmc/sobol';
import { SOBOL_MAX_DIM } from './qmc/sobol-directions';
import { fromUnit } from './qmc/unit-transform';

export interface GPSamplerOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** Completed trials before the GP takes over. Default 10. */
  readonly nStartupTrials?: number;
  /**
   * How those first points are drawn: 'random' (Optuna's: the owned RandomSampler) or 'sobol' (point
   * `trial.number` of a scrambled Sobol' sequence). Default 'random': on hartmann-6d, current Optuna's
   * GPSampler continued from our 10 Sobol' startup points of seeds 1-4 ended in a local optimum in all
   * 9 runs, from its own random ones in none of 5 (seeds 0-4, 100 trials).
   */
  readonly startup?: GPStartup;
  /** Default 'logEI'. */
  readonly acquisition?: AcquisitionName;
  /** Default 'matern52'. */
  readonly kernel?: KernelName;
  /** The objective returns the same value for the same parameters: noise fixed at its floor. Default false. */
  readonly deterministicObjective?: boolean;
  /** How RUNNING trials enter the model. Default 'constantLiar'. */
  readonly batchStrategy?: BatchStrategy;
  /** Quasi-random candidates scored per suggestion. Default 2048. */
  readonly nCandidates?: number;
  /** Where fallbacks are reported. Default: the study's logger, else stderr. */
  readonly logger?: Logger;
  /**
   * Constraint values of each trial as it ends (≤ 0 feasible), stored as its system attribute
   * `constraints`. One GP per constraint then multiplies the acquisition by the probability of
   * feasibility (a sum of log probabilities), the incumbent or front is taken over feasible trials
   * only, and before any feasible trial the probability of feasibility alone is maximised.
   */
  readonly constraintsFunc?: ConstraintsFunc;
  /** Fixed quasi-random normal samples LogEHVI averages over (several objectives). Default 128. */
  readonly nQmcSamples?: number;
}

/** How the startup trials are drawn (see {@link GPSamplerOptions.startup}). */
export type GPStartup = 'random' | 'sobol';

const STARTUPS: readonly GPStartup[] = ['random', 'sobol'];

const KEYS = [
  'seed',
  'nStartupTrials',
  'startup',
  'acquisition',
  'kernel',
  'deterministicObjective',
  'batchStrategy',
  'nCandidates',
  'logger',
  'constraintsFunc',
  'nQmcSamples',
];

/**
 * Bayesian optimisation with a Gaussian process (after Optuna's GPSampler): a Matérn 5/2 (or RBF)
 * kernel with one lengthscale per parameter, fitted by maximum a posteriori to the objective values
 * after an order-preserving power transform (Yeo-Johnson, so heavy tails do not flatten the model),
 * and the next point chosen by maximising log expected improvement (or UCB, or PI) over quasi-random
 * candidates and perturbations of the best trials, refined by bounded L-BFGS and exact searches over
 * discrete parameters (as current Optuna's GPSampler). Kernels, posterior and
 * acquisition are tfjs tensor ops, so they run on whatever backend is active (see src/gp).
 *
 * - The joint space is the one all completed trials share (continuous, int, log, stepped,
 *   categorical); other parameters are drawn by an owned {@link RandomSampler}.
 * - The first `nStartupTrials` points are random (as Optuna's), or a scrambled Sobol' design with
 *   `startup: 'sobol'`.
 * - RUNNING trials are handled by a constant liar or a Kriging believer, so parallel workers spread.
 * - It never suggests NaN: if the GP step fails, it falls back to the Sobol' point, then to random,
 *   and logs why.
 * - Several objectives: one GP per objective (standardised values, no power transform) and log
 *   expected hypervolume improvement over the Pareto front of the completed trials (Optuna >=
 *   4.4's LogEHVI), averaged over `nQmcSamples` fixed quasi-random posterior samples;
 *   `acquisition` applies to one objective only.
 * - `constraintsFunc`: one GP per constraint; acquisition + sum of log P(constraint <= 0), over the
 *   feasible trials (see {@link GPSamplerOptions.constraintsFunc}). `acquisition: 'ucb'` cannot be
 *   combined with it.
 * - Reproducible: every draw derives from the seed and the trial number, and the model from the
 *   completed trials alone, so the same seed gives the same trials.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ sampler: new tune.GPSampler({ seed: 1 }), direction: 'minimize' });
 * await study.optimize((t) => (t.suggestFloat('x', -5, 5) - 1) ** 2, { nTrials: 30 });
 * ```
 */
export class GPSampler extends JointSampler {
  readonly nStartupTrials: number;
  readonly startup: GPStartup;
  readonly acquisition: AcquisitionName;
  readonly kernel: KernelName;
  readonly deterministicObjective: boolean;
  readonly batchStrategy: BatchStrategy;
  readonly nCandidates: number;
  readonly nQmcSamples: number;
  readonly constraintsFunc: ConstraintsFunc | undefined;
  /** Records the constraints of each trial as it ends; present only with `constraintsFunc`. */
  readonly evaluateConstraints?: (trial: FrozenTrial) => readonly number[];
  private readonly logger: Logger | undefined;
  private readonly space = new IntersectionSearchSpace();

  constructor(options: GPSamplerOptions = {}) {
    super('GPSampler', options, KEYS);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 1) {
      throw new InvalidArgumentError('nStartupTrials', this.nStartupTrials, 'an integer >= 1');
    }
    this.startup = oneOf('startup', options.startup ?? 'random', STARTUPS);
    this.acquisition = oneOf('acquisition', options.acquisition ?? 'logEI', ACQUISITION_NAMES);
    this.kernel = oneOf('kernel', options.kernel ?? 'matern52', KERNEL_NAMES);
    this.batchStrategy = oneOf('batchStrategy', options.batchStrategy ?? 'constantLiar', BATCH_STRATEGIES);
    this.deterministicObjective = options.deterministicObjective ?? false;
    if (typeof this.deterministicObjective !== 'boolean') {
      throw new InvalidArgumentError('deterministicObjective', this.deterministicObjective, 'true or false');
    }
    this.nCandidates = options.nCandidates ?? 2048;
    if (!Number.isInteger(this.nCandidates) || this.nCandidates < 1) {
      throw new InvalidArgumentError('nCandidates', this.nCandidates, 'a positive integer');
    }
    this.nQmcSamples = options.nQmcSamples ?? 128;
    if (!Number.isInteger(this.nQmcSamples) || this.nQmcSamples < 1) {
      throw new InvalidArgumentError('nQmcSamples', this.nQmcSamples, 'a positive integer');
    }
    if (options.constraintsFunc !== undefined && typeof options.constraintsFunc !== 'function') {
      throw new InvalidArgumentError('constraintsFunc', options.constraintsFunc, 'a function of a trial');
    }
    this.constraintsFunc = options.constraintsFunc;
    const constraints = this.constraintsFunc;
    if (constraints !== undefined) {
      if (this.acquisition === 'ucb') {
        throw new InvalidArgumentError('acquisition', 'ucb', "'logEI' or 'pi' with constraintsFunc");
      }
      this.evaluateConstraints = (trial) => constraints(trial);
    }
    this.logger = options.logger;
  }

  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    return withoutSingleValued(this.space.calculate(study));
  }

  protected sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue> {
    const encoding = new SearchSpaceEncoding(searchSpace);
    const { observed, objectives, constraints } = this.observations(study, encoding);
    if (observed.length < this.nStartupTrials) {
      // {}: every parameter goes to sampleIndependent, the owned RandomSampler.
      return this.startup === 'sobol' ? this.sobolPoint(study, trial, searchSpace, names) : {};
    }
    const root = this.root(study).derive(trial.number);
    try {
      const pending = study
        .getTrials({ states: ['RUNNING'] })
        .filter((t) => t.number !== trial.number)
        .map((t) => encodeTrial(encoding, t))
        .filter((x): x is Float64Array => x !== null);
      const common = {
        encoding,
        observed,
        pending,
        kernel: this.kernel,
        acquisition: this.acquisition,
        deterministic: this.deterministicObjective,
        batchStrategy: this.batchStrategy,
        candidates: this.candidates(root, encoding),
        rng: root.derive('hyperparameters'),
      };
      const out =
        objectives.length === 1 && constraints === null
          ? suggestPoint({ ...common, values: objectives[0] as number[] })
          : suggestConstrained({
              ...common,
              objectives,
              constraints: constraints ?? [],
              ...(objectives.length > 1 ? { normalSamples: this.normalSamples(root, objectives.length) } : {}),
            });
      if (out === null) throw new Error('no candidate had a finite acquisition value');
      const params = encoding.decode(out.x);
      const bad = names.find((n) => !valid(searchSpace[n] as Distribution, params[n] as ParamValue));
      if (bad !== undefined) throw new Error(`the GP suggested ${quote(params[bad])} for "${bad}"`);
      return params;
    } catch (error) {
      this.log(study).warn(
        `GPSampler: trial ${trial.number} falls back to a Sobol' point: ${error instanceof Error ? error.message : String(error)}`,
      );
      return this.sobolPoint(study, trial, searchSpace, names);
    }
  }

  /**
   * The completed trials the models see, as encoded points, one value series per objective (all
   * oriented to be maximised) and, with `constraintsFunc`, one per constraint: trials with a
   * non-finite value, or without recorded constraints of the usual count, are left out.
   */
  private observations(
    study: StudyView,
    encoding: SearchSpaceEncoding,
  ): { observed: Float64Array[]; objectives: number[][]; constraints: number[][] | null } {
    const m = study.directions.length;
    const signs = study.directions.map((d) => (d === 'maximize' ? 1 : -1)); // internally everything is maximised
    const observed: Float64Array[] = [];
    const objectives: number[][] = signs.map(() => []);
    const rows: number[][] = [];
    for (const t of study.getTrials({ states: ['COMPLETE'] })) {
      const v = t.values;
      if (v === null || v === undefined || v.length !== m || !v.every((x) => Number.isFinite(x))) continue;
      const c = this.constraintsFunc === undefined ? [] : constraintsOf(t);
      if (c === null || !c.every((x) => Number.isFinite(x))) continue;
      const x = encodeTrial(encoding, t);
      if (x === null) continue;
      observed.push(x);
      v.forEach((value, j) => (objectives[j] as number[]).push((signs[j] as number) * value));
      rows.push(c);
    }
    if (this.constraintsFunc === undefined) return { observed, objectives, constraints: null };
    // The usual number of constraints (the first trial's); trials that recorded another are dropped.
    const k = rows[0]?.length ?? 0;
    const keep = rows.flatMap((r, i) => (r.length === k ? [i] : []));
    return {
      observed: keep.map((i) => observed[i] as Float64Array),
      objectives: objectives.map((series) => keep.map((i) => series[i] as number)),
      constraints: Array.from({ length: k }, (_, j) => keep.map((i) => (rows[i] as number[])[j] as number)),
    };
  }

  /** `nQmcSamples` standard-normal vectors from a scrambled Sobol' sequence (LogEHVI's fixed samples). */
  private normalSamples(rng: Rng, m: number): Float64Array[] {
    const engine = new SobolEngine((d) => rng.derive('ehvi-samples', d));
    const out: Float64Array[] = [];
    for (let i = 0; i < this.nQmcSamples; i++) {
      const u = engine.point(i, m);
      out.push(Float64Array.from(u, (v) => normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, v)))));
    }
    return out;
  }

  private root(study: StudyView): Rng {
    return this.rootRng(study, 'gp-sampler');
  }

  /** Point `trial.number` of a scrambled Sobol' sequence over the space (random past 53 dimensions). */
  private sobolPoint(
    study: StudyView,
    trial: FrozenTrial,
    space: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue> {
    try {
      const root = this.root(study).derive('startup');
      const dims = Math.min(names.length, SOBOL_MAX_DIM);
      const u = new SobolEngine((d) => root.derive(d)).point(trial.number, dims);
      const out: Record<string, ParamValue> = {};
      names.slice(0, dims).forEach((n, d) => (out[n] = fromUnit(space[n] as Distribution, u[d] as number)));
      return out;
    } catch (error) {
      // Every parameter is then drawn by sampleIndependent, i.e. at random.
      this.log(study).warn(`GPSampler: trial ${trial.number} is sampled at random: ${String(error)}`);
      return {};
    }
  }

  /** `nCandidates` encoded points of a Sobol' sequence scrambled for this trial. */
  private candidates(rng: Rng, encoding: SearchSpaceEncoding): Float64Array[] {
    const p = encoding.params.length;
    const dims = Math.min(p, SOBOL_MAX_DIM);
    const engine = new SobolEngine((d) => rng.derive('candidates', d));
    const extra = rng.derive('candidates', 'extra');
    const out: Float64Array[] = [];
    for (let i = 0; i < this.nCandidates; i++) {
      const u = new Float64Array(p);
      u.set(engine.point(i, dims));
      for (let d = dims; d < p; d++) u[d] = extra.next();
      out.push(encoding.fromUnit(u));
    }
    return out;
  }

  private log(study: StudyView): Logger {
    return this.logger ?? study.logger ?? stderrLogger;
  }
}

/** A trial's point, if it used every parameter of the space with the same distribution. */
function encodeTrial(encoding: SearchSpaceEncoding, t: FrozenTrial): Float64Array | null {
  for (const p of encoding.params) {
    const d = t.distributions[p.name];
    if (d === undefined || !distributionsEqual(d, p.distribution)) return null;
  }
  return encoding.encode(t.params);
}

function valid(d: Distribution, v: ParamValue): boolean {
  if (d.type === 'categorical') return d.choices.includes(v);
  return typeof v === 'number' && Number.isFinite(v) && d.containsInternal(v);
}

function oneOf<T extends string>(field: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value))
    throw new InvalidArgumentError(field, value, `one of ${allowed.map((a) => quote(a)).join(', ')}`);
  return value;
}

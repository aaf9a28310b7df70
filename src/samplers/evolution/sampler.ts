import { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import { sampleUniform } from '../../space/sample-uniform';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/state';
import { toUnit } from '../cmaes/unit-space';
import { fromUnit } from '../qmc/unit-transform';
import { JointSampler } from '../joint-sampler';
import { bestPool, mutateUnit, roulette, tournament, type Pool } from './operators';
import { KEYS, resolveEvolutionOptions, type EvolutionSamplerOptions, type ResolvedEvolutionOptions } from './options';

/** How one trial gets its genes: a copy of an elite parent, or a child of two parents. */
type Plan =
  | { readonly kind: 'elite'; readonly parent: FrozenTrial }
  | { readonly kind: 'child'; readonly first: FrozenTrial; readonly second: FrozenTrial; readonly cross: boolean };

const COMPLETE: readonly TrialState[] = ['COMPLETE'];

/**
 * A genetic algorithm as the classic tutorials teach it, over any space (float, int, log, step,
 * categorical, conditional). Generation g is trials [g·P, (g+1)·P) for P = `populationSize`; its
 * parents are the best P completed trials of earlier generations (direction-aware; Pareto fronts
 * for several objectives). The first `elitism` trials of a generation re-run the best parents
 * unchanged; each other trial picks two parents (tournament or roulette), takes each gene from
 * either with probability 1/2 (uniform crossover, with probability `crossoverRate`; otherwise from
 * the first), then mutates each gene with probability `mutationRate`: a Gaussian step of
 * `mutationScale` in the unit interval for numbers, a fresh uniform choice for categoricals.
 *
 * - Generation 0, and any gene the chosen parent lacks (a conditional parameter) or holds outside
 *   today's range, is drawn by an owned {@link RandomSampler}.
 * - Every gene is decided when the objective asks for it (no relative sample), from streams derived
 *   from the seed, the trial number and the parameter name: a sequential study replays exactly.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ sampler: new tune.EvolutionSampler({ seed: 1, populationSize: 16 }) });
 * ```
 */
export class EvolutionSampler extends JointSampler {
  private readonly opts: ResolvedEvolutionOptions;
  /** The parent pool of one generation, rebuilt when trials of earlier generations complete. */
  private pool: { key: string; pool: Pool } | null = null;
  private plan: { key: string; plan: Plan | null } | null = null;

  constructor(options: EvolutionSamplerOptions = {}) {
    super('EvolutionSampler', options, KEYS);
    this.opts = resolveEvolutionOptions(options);
  }

  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }

  /** Never called: the joint space is always empty (every gene is decided in `sampleIndependent`). */
  protected sampleJointSpace(): Record<string, ParamValue> {
    return {};
  }

  override sampleIndependent(
    study: StudyView,
    trial: FrozenTrial,
    name: string,
    distribution: Distribution,
  ): ParamValue {
    const plan = this.planFor(study, trial);
    if (plan === null) return super.sampleIndependent(study, trial, name, distribution);
    const rng = this.root(study).derive('gene', trial.number, name);
    // Both coins are always drawn, so a gene's stream does not depend on the other genes.
    const pickSecond = rng.next() < 0.5;
    const mutate = rng.next() < this.opts.mutationRate;
    const parent = plan.kind === 'elite' ? plan.parent : plan.cross && pickSecond ? plan.second : plan.first;
    const value = parent.params[name];
    if (value === undefined || !contains(distribution, value)) {
      return super.sampleIndependent(study, trial, name, distribution);
    }
    if (plan.kind === 'elite' || !mutate) return value;
    if (distribution.type === 'categorical') return sampleUniform(distribution, rng);
    return fromUnit(distribution, mutateUnit(toUnit(distribution, value as number), this.opts.mutationScale, rng));
  }

  private root(study: StudyView): Rng {
    return new Rng(this.seedFor(study)).derive('evolution-sampler');
  }

  /** The trial's plan; null in generation 0 or while no earlier trial has completed. */
  private planFor(study: StudyView, trial: FrozenTrial): Plan | null {
    const size = this.opts.populationSize;
    const start = Math.floor(trial.number / size) * size;
    if (start === 0) return null;
    const earlier = study.getTrials({ states: COMPLETE }).filter((t) => t.number < start);
    // Completed trials only accumulate, so their count (with the newest) identifies the pool.
    const last = earlier[earlier.length - 1];
    const poolKey = `${study.studyName}|${start}|${earlier.length}|${last?.trialId ?? -1}`;
    const key = `${poolKey}|${trial.number}`;
    if (this.plan?.key === key) return this.plan.plan;
    if (this.pool?.key !== poolKey) this.pool = { key: poolKey, pool: bestPool(earlier, study.directions, size) };
    const pool = this.pool.pool;
    let plan: Plan | null = null;
    if (pool.trials.length > 0) {
      const k = trial.number - start;
      if (k < Math.min(this.opts.elitism, pool.trials.length)) {
        plan = { kind: 'elite', parent: pool.trials[k] as FrozenTrial };
      } else {
        const rng = this.root(study).derive('parents', trial.number);
        const pick = (): FrozenTrial =>
          this.opts.selection === 'tournament' ? tournament(pool, this.opts.tournamentSize, rng) : roulette(pool, rng);
        const first = pick();
        const second = pick();
        plan = { kind: 'child', first, second, cross: rng.next() < this.opts.crossoverRate };
      }
    }
    this.plan = { key, plan };
    return plan;
  }
}

/** Whether a parent's value is a legal value of today's distribution for the gene. */
function contains(dist: Distribution, value: ParamValue): boolean {
  if (dist.type === 'categorical') return dist.choices.some((c) => c === value);
  return typeof value === 'number' && dist.containsInternal(value);
}

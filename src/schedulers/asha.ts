import { InvalidArgumentError } from '../errors';
import type { Study } from '../study/study';
import type { FrozenTrial } from '../trial/frozen-trial';
import { rankTrials, slotOf, type HyperbandSlot } from '../trial/hyperband-slot';
import type { StudyDirection } from '../trial/state';
import { hyperbandSchedule } from './hyperband-schedule';
import type { Decision, Job, JobOutcome, Scheduler } from './scheduler';
import { ASHA_KEY, createSlotTrial, jobOfSlot, prepareSlotStudy, wasInterrupted } from './slot-study';

export interface ASHASchedulerOptions {
  readonly maxEpochs: number;
  /** Default 3. */
  readonly factor?: number;
  /** The bottom rung's epochs. Default 1. */
  readonly minEpochs?: number;
  /**
   * New configurations in the study, counted across runs; once they have started, the scheduler
   * runs the promotions left and is done. Give this or `addTrials`.
   */
  readonly maxTrials?: number;
  /**
   * Instead of `maxTrials`: new configurations to start beyond those the study holds when `prepare`
   * runs (after failing the ones a dead process left RUNNING, whose jobs run again).
   */
  readonly addTrials?: number;
}

/**
 * The rungs' epochs, bottom first: the most aggressive Hyperband bracket's rounds (minEpochs, then
 * times factor, up to maxEpochs), so ASHA and Hyperband agree on budgets for the same settings.
 */
export function ashaRungs(maxEpochs: number, factor: number, minEpochs = 1): number[] {
  const [first] = hyperbandSchedule(maxEpochs, factor, minEpochs);
  return (first?.rounds ?? []).map((r) => r.epochs);
}

/** What to run next: a new configuration (parent null, rung 0) or a promotion of `parent` to `rung`. */
export interface ASHAJob {
  readonly rung: number;
  readonly parent: FrozenTrial | null;
}

/**
 * ASHA's job rule (Li et al. 2020, Algorithm 2), with promotions rather than stops: from the top
 * rung down, promote the best configuration of rung k that is among the top floor(n_k / factor) of
 * the n_k finished there and has not been promoted yet; if there is none, start a new configuration
 * at the bottom rung (null once `maxTrials` have started). Unlike the stopping variant
 * (`SuccessiveHalvingPruner`), a configuration that arrives at a rung early is paused, not run on
 * just because it beat the few that came before it, and may still be promoted when the rung fills.
 */
export function nextASHAJob(
  trials: readonly FrozenTrial[],
  settings: { readonly rungs: readonly number[]; readonly factor: number; readonly maxTrials: number },
  direction: StudyDirection,
): ASHAJob | null {
  const counted = trials.filter((t) => slotOf(t) !== null && !wasInterrupted(t));
  const promoted = new Set<number>();
  for (const t of counted) {
    const parent = slotOf(t)?.parent;
    if (parent !== null && parent !== undefined) promoted.add(parent);
  }
  for (let k = settings.rungs.length - 2; k >= 0; k--) {
    const ranked = rankTrials(
      counted.filter((t) => slotOf(t)?.round === k),
      direction,
    );
    const top = ranked.slice(0, Math.floor(ranked.length / settings.factor));
    const candidate = top.find((t) => !promoted.has(t.number));
    if (candidate !== undefined) return { rung: k + 1, parent: candidate };
  }
  return startedConfigurations(counted) < settings.maxTrials ? { rung: 0, parent: null } : null;
}

/** New configurations started so far (interrupted ones do not count: their jobs run again). */
function startedConfigurations(trials: readonly FrozenTrial[]): number {
  return trials.filter((t) => slotOf(t)?.round === 0 && !wasInterrupted(t)).length;
}

/**
 * Asynchronous successive halving with promotions (ASHA) as a {@link Scheduler}: each job is one
 * configuration trained for one rung, a study trial with the same `hyperband` slot as Hyperband's
 * (iteration 0, bracket s_max, round = rung), so the same slot trainers, checkpoints, samplers
 * (BOHB's included) and resumes work for both. A promotion is a new WAITING trial with its parent's
 * params that continues the parent's state from `fromEpoch`.
 *
 * A job handed out counts as promoted at once, so two workers never continue the same
 * configuration. With one job at a time a seed repeats a search exactly; with several, promotions
 * depend on which results arrive first (as in any asynchronous ASHA), though every configuration's
 * values still come from the seed and its trial number. `nextJob` says null while jobs of its own run
 * and nothing can start (a result may allow a promotion), 'done' once nothing is running and nothing
 * is left to start. Never stops or pauses a running job. Releases the parents of completed
 * promotions trained to fewer than `maxEpochs` (their own trial now holds the configuration); a
 * promotion that failed or was interrupted leaves its parent, which a resumed run continues from.
 */
export class ASHAScheduler implements Scheduler {
  readonly name = 'asha';
  readonly maxEpochs: number;
  readonly factor: number;
  readonly minEpochs: number;
  /** The rungs' epochs, bottom first. */
  readonly rungs: readonly number[];
  private readonly options: ASHASchedulerOptions;
  private maxTrials = 0;
  private leftOver: number[] = [];
  private readonly running = new Set<number>();
  private readonly released: number[] = [];

  constructor(options: ASHASchedulerOptions) {
    this.options = options;
    this.maxEpochs = options.maxEpochs;
    this.factor = options.factor ?? 3;
    this.minEpochs = options.minEpochs ?? 1;
    this.rungs = ashaRungs(this.maxEpochs, this.factor, this.minEpochs);
    const limit = options.maxTrials ?? options.addTrials;
    if ((options.maxTrials === undefined) === (options.addTrials === undefined))
      throw new InvalidArgumentError('maxTrials', options.maxTrials, 'given, or addTrials instead (exactly one)');
    if (!(limit !== undefined && limit >= 1 && (Number.isInteger(limit) || limit === Infinity)))
      throw new InvalidArgumentError(
        options.maxTrials !== undefined ? 'maxTrials' : 'addTrials',
        limit,
        'an integer >= 1 (or Infinity)',
      );
  }

  async prepare(study: Study): Promise<void> {
    await prepareSlotStudy(study, ASHA_KEY, this);
    this.maxTrials =
      this.options.maxTrials ?? startedConfigurations(study.getTrials()) + (this.options.addTrials as number);
    this.leftOver = study
      .getTrials({ states: ['WAITING'] })
      .filter((t) => slotOf(t) !== null)
      .map((t) => t.number);
    this.running.clear();
    this.released.length = 0;
  }

  async nextJob(study: Study): Promise<Job | null | 'done'> {
    await study.refresh();
    const left = this.leftOver.shift();
    if (left !== undefined) return this.handOut(study.trials[left] as FrozenTrial);
    const settings = { rungs: this.rungs, factor: this.factor, maxTrials: this.maxTrials };
    const job = nextASHAJob(study.getTrials(), settings, study.direction);
    if (job === null) return this.running.size > 0 ? null : 'done';
    const slot: HyperbandSlot = {
      iteration: 0,
      bracket: this.rungs.length - 1,
      round: job.rung,
      initialEpoch: job.parent === null ? 0 : (slotOf(job.parent) as HyperbandSlot).epochs,
      epochs: this.rungs[job.rung] as number,
      parent: job.parent?.number ?? null,
    };
    const number = await createSlotTrial(study, slot, job.parent);
    await study.refresh(); // so the next call sees the job as taken
    return this.handOut(study.trials[number] as FrozenTrial);
  }

  onResult(_job: Job, _result: unknown): Decision {
    return 'continue';
  }

  async onJobEnd(job: Job, outcome: JobOutcome): Promise<void> {
    this.running.delete(job.trialNumber);
    // The promotion holds the configuration now; its parent's state (at fromEpoch) is spent.
    if (outcome.state === 'COMPLETE' && job.start.kind !== 'fresh' && job.fromEpoch < this.maxEpochs)
      this.released.push(job.start.from);
  }

  releasable(): readonly number[] {
    return this.released;
  }

  private handOut(trial: FrozenTrial): Job {
    this.running.add(trial.number);
    return jobOfSlot(trial.number, slotOf(trial) as HyperbandSlot);
  }
}

import { InvalidArgumentError } from '../errors';
import type { Study } from '../study/study';
import type { FrozenTrial } from '../trial/frozen-trial';
import { rankTrials, slotOf, type HyperbandSlot } from '../trial/hyperband-slot';
import type { StudyDirection } from '../trial/state';
import { hyperbandSchedule } from './hyperband-schedule';
import type { Decision, Job, JobOutcome, Scheduler } from './scheduler';
import { discardSlotTrial, isSpent, standsForItsJob } from './slot-claims';
import { ASHA_KEY, createSlotTrial, jobOfSlot, prepareSlotStudy } from './slot-study';

/** Study system attribute: the new configurations an ASHA study may hold, for processes that join it. */
export const ASHA_MAX_TRIALS_KEY = 'asha_max_trials';

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
  /**
   * Other processes run this study's jobs too (`tfjs-tune worker` on other machines; Ray Tune's and
   * Optuna's many workers on one storage). `prepare` then leaves RUNNING trials alone (the study's
   * heartbeats fail those of a dead process; `nextJob` fails stale ones first, shared or not), and without
   * `maxTrials` / `addTrials` the limit stored in the study (system attribute `asha_max_trials`) applies. The
   * process that created the study runs without it (its `prepare` fails what a killed run left).
   */
  readonly shared?: boolean;
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
  const counted = trials.filter((t) => slotOf(t) !== null && !isSpent(t));
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

/** New configurations started so far (interrupted ones do not count: their jobs run again; nor do discarded duplicates). */
function startedConfigurations(trials: readonly FrozenTrial[]): number {
  return trials.filter((t) => slotOf(t)?.round === 0 && !isSpent(t)).length;
}

/**
 * Asynchronous successive halving with promotions (ASHA) as a {@link Scheduler}: each job is one
 * configuration trained for one rung, a study trial with the same `hyperband` slot as Hyperband's
 * (iteration 0, bracket s_max, round = rung), so the same slot trainers, checkpoints, samplers
 * (BOHB's included) and resumes work for both. A promotion is a new WAITING trial with its parent's
 * params that continues the parent's state from `fromEpoch`.
 *
 * Every decision is taken from the stored trials (`nextASHAJob`), so any number of processes may
 * run one study (`shared`): each takes a WAITING slot trial nobody has claimed (a dead process's, or
 * one another process has not claimed yet: the claim is atomic, the loser's job ends without
 * touching the trial), else creates the next job's trial; two processes deciding the same job at
 * once create two trials, of which the lower-numbered stands and the other is discarded
 * (`slot-claims.ts`). A job handed out counts as promoted at once, so no configuration is continued
 * twice. With one job at a time a seed repeats a search exactly; with several, promotions
 * depend on which results arrive first (as in any asynchronous ASHA), though every configuration's
 * values still come from the seed and its trial number. `nextJob` says null while slot trials run
 * (here or elsewhere) or wait and nothing can start (a result may allow a promotion), 'done' once
 * none runs or waits and nothing is left to start. Never stops or pauses a running job. Releases the
 * parents of completed promotions trained to fewer than `maxEpochs` (their own trial now holds the
 * configuration); a promotion that failed or was interrupted leaves its parent, which a resumed run
 * continues from.
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
  /** Trials handed out by this object (a WAITING one among them is about to be claimed here). */
  private readonly handedOut = new Set<number>();
  private readonly running = new Set<number>();
  private readonly released: number[] = [];

  constructor(options: ASHASchedulerOptions) {
    this.options = options;
    this.maxEpochs = options.maxEpochs;
    this.factor = options.factor ?? 3;
    this.minEpochs = options.minEpochs ?? 1;
    this.rungs = ashaRungs(this.maxEpochs, this.factor, this.minEpochs);
    const limit = options.maxTrials ?? options.addTrials;
    const given = (options.maxTrials === undefined ? 0 : 1) + (options.addTrials === undefined ? 0 : 1);
    if (given > 1 || (given === 0 && options.shared !== true))
      throw new InvalidArgumentError(
        'maxTrials',
        options.maxTrials,
        "given, or addTrials instead (exactly one; neither only when shared: the study's stored limit)",
      );
    if (limit !== undefined && !(limit >= 1 && (Number.isInteger(limit) || limit === Infinity)))
      throw new InvalidArgumentError(
        options.maxTrials !== undefined ? 'maxTrials' : 'addTrials',
        limit,
        'an integer >= 1 (or Infinity)',
      );
  }

  async prepare(study: Study): Promise<void> {
    const shared = this.options.shared === true;
    await prepareSlotStudy(study, ASHA_KEY, this, { failRunning: !shared });
    this.maxTrials = this.options.maxTrials ?? this.addedLimit(study) ?? (await storedLimit(study));
    // Infinity is no JSON number: a study without a limit stores none, and joining processes refuse it.
    if (this.options.maxTrials !== undefined || this.options.addTrials !== undefined)
      if (Number.isFinite(this.maxTrials) && study.systemAttrs[ASHA_MAX_TRIALS_KEY] !== this.maxTrials)
        await study.setSystemAttr(ASHA_MAX_TRIALS_KEY, this.maxTrials);
    this.handedOut.clear();
    this.running.clear();
    this.released.length = 0;
  }

  async nextJob(study: Study): Promise<Job | null | 'done'> {
    // A dead process's RUNNING trial would hold a rung (and 'done') back for good: heartbeats decide.
    await study.failStaleTrialsIfDue();
    for (;;) {
      await study.refresh();
      const trials = study.getTrials();
      const free = trials.filter((t) => t.state === 'WAITING' && slotOf(t) !== null && !this.handedOut.has(t.number));
      const standing = free.find((t) => standsForItsJob(t, trials, this.maxTrials));
      const duplicate = free.find((t) => !standsForItsJob(t, trials, this.maxTrials));
      if (duplicate !== undefined) {
        await discardSlotTrial(study, duplicate, 'another trial stands for the same ASHA job');
        continue;
      }
      if (standing !== undefined) return this.handOut(standing);
      const settings = { rungs: this.rungs, factor: this.factor, maxTrials: this.maxTrials };
      const job = nextASHAJob(trials, settings, study.direction);
      if (job === null) {
        const active = trials.some((t) => (t.state === 'RUNNING' || t.state === 'WAITING') && slotOf(t) !== null);
        return this.running.size > 0 || active ? null : 'done';
      }
      const slot: HyperbandSlot = {
        iteration: 0,
        bracket: this.rungs.length - 1,
        round: job.rung,
        initialEpoch: job.parent === null ? 0 : (slotOf(job.parent) as HyperbandSlot).epochs,
        epochs: this.rungs[job.rung] as number,
        parent: job.parent?.number ?? null,
      };
      const number = await createSlotTrial(study, slot, job.parent);
      await study.refresh(); // so the next call sees the job as taken, and so does the check below
      const created = study.trials[number] as FrozenTrial;
      if (standsForItsJob(created, study.getTrials(), this.maxTrials)) return this.handOut(created);
      // Another process made the same job first: this trial is the duplicate.
      await discardSlotTrial(study, created, 'another process made the same ASHA job first');
    }
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

  /** `addTrials` beyond the configurations the study holds now, or undefined without it. */
  private addedLimit(study: Study): number | undefined {
    const add = this.options.addTrials;
    return add === undefined ? undefined : startedConfigurations(study.getTrials()) + add;
  }

  private handOut(trial: FrozenTrial): Job {
    this.handedOut.add(trial.number);
    this.running.add(trial.number);
    return jobOfSlot(trial.number, slotOf(trial) as HyperbandSlot);
  }
}

/** A joining process's limit: the one the study's creator stored (read from storage: it may have come after this study was loaded). */
async function storedLimit(study: Study): Promise<number> {
  const stored = (await study.storage.getStudy(study.studyId)).systemAttrs[ASHA_MAX_TRIALS_KEY];
  if (typeof stored !== 'number' || !(stored >= 1))
    throw new InvalidArgumentError(
      'study',
      study.studyName,
      `an ASHA study whose creator stored its limit of new configurations (system attribute ${ASHA_MAX_TRIALS_KEY}; start \`tfjs-tune run\` first)`,
    );
  return stored;
}

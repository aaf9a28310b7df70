import { InvalidArgumentError } from '../errors';
import type { Study } from '../study/study';
import type { HyperbandSlot, TrainSlot } from '../training/train-slot';
import type { FrozenTrial } from '../trial/frozen-trial';
import {
  ASHA_KEY,
  createWaiting,
  prepareScheduledStudy,
  rankTrials,
  slotOf,
  wasInterrupted,
  inProcessRounds,
} from './hyperband-loop';
import { silentLogger, type Logger } from '../util/logger';
import { hyperbandSchedule } from '../schedulers/hyperband-schedule';

export interface ASHALoopOptions {
  readonly maxEpochs: number;
  readonly factor: number;
  /** The bottom rung's epochs. Default 1. */
  readonly minEpochs?: number;
  /**
   * New configurations in the study, counted across runs; once they have started, the loop runs the
   * promotions left and ends. Give this or `addTrials`.
   */
  readonly maxTrials?: number;
  /**
   * Instead of `maxTrials`: new configurations to start beyond those the study already holds when
   * the loop begins (after failing the ones a dead process left RUNNING, whose jobs run again).
   */
  readonly addTrials?: number;
  /** Called with the trials that have ended since the last call (the tuner deletes checkpoints no one will continue). */
  readonly onJobsEnd?: (trials: readonly FrozenTrial[]) => void | Promise<void>;
}

/**
 * Runs ASHA's jobs as they are made: calls `next` whenever it can start one (`next` creates the job's
 * WAITING trial and returns its number, or null when there is no job now), trains that trial, and
 * asks again — also after a job ends, since a result may make a promotion possible. Returns once
 * `next` has said null with no job of its own running. {@link inProcessJobs} runs one at a time;
 * `tfjs-tune run` keeps every worker busy (`WorkerPool.runJobs`).
 */
export type JobStream = (study: Study, next: () => Promise<number | null>) => Promise<void>;

/** One job at a time in this process: exactly the paper's sequential ASHA. */
export function inProcessJobs(train: TrainSlot, logger: Logger = silentLogger): JobStream {
  const run = inProcessRounds(train, logger);
  return async (study, next) => {
    for (let job = await next(); job !== null; job = await next()) {
      await run(study, [job]);
      if (study.isStopRequested) return;
    }
  };
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
export function nextASHAJob(trials: readonly FrozenTrial[], options: ASHALoopOptions, study: Study): ASHAJob | null {
  const rungs = ashaRungs(options.maxEpochs, options.factor, options.minEpochs ?? 1);
  const counted = trials.filter((t) => slotOf(t) !== null && !wasInterrupted(t));
  const promoted = new Set<number>();
  for (const t of counted) {
    const parent = slotOf(t)?.parent;
    if (parent !== null && parent !== undefined) promoted.add(parent);
  }
  for (let k = rungs.length - 2; k >= 0; k--) {
    const ranked = rankTrials(
      counted.filter((t) => slotOf(t)?.round === k),
      study.direction,
    );
    const top = ranked.slice(0, Math.floor(ranked.length / options.factor));
    const candidate = top.find((t) => !promoted.has(t.number));
    if (candidate !== undefined) return { rung: k + 1, parent: candidate };
  }
  return startedConfigurations(counted) < (options.maxTrials ?? Infinity) ? { rung: 0, parent: null } : null;
}

/** New configurations started so far (interrupted ones do not count: their jobs run again). */
function startedConfigurations(trials: readonly FrozenTrial[]): number {
  return trials.filter((t) => slotOf(t)?.round === 0 && !wasInterrupted(t)).length;
}

/**
 * Asynchronous successive halving over a study, with promotions: each job is one configuration
 * trained for one rung, a study trial with the same `hyperband` slot attribute as the Hyperband
 * loop's (iteration 0, bracket s_max, round = rung), so the same slot trainers, checkpoints, samplers
 * (BOHB's included) and `--resume` work for both. A promoted configuration is a new WAITING trial
 * with its parent's params that continues the parent's checkpoint from `initialEpoch`.
 *
 * `stream` decides how many jobs run at once; a job handed out counts as promoted at once, so two
 * workers never continue the same configuration. With one job at a time a seed repeats a search
 * exactly; with several, promotions depend on which results arrive first (as in any asynchronous
 * ASHA), though every configuration's values still come from the seed and its trial number. Resumable like `runHyperband`: trials left WAITING
 * run first, ones left RUNNING by a dead process are failed and their jobs chosen again.
 * `study.stop()` ends the loop after the jobs in flight.
 */
export async function runASHA(study: Study, options: ASHALoopOptions, stream: JobStream): Promise<void> {
  const rungs = ashaRungs(options.maxEpochs, options.factor, options.minEpochs ?? 1);
  const limit = options.maxTrials ?? options.addTrials;
  if ((options.maxTrials === undefined) === (options.addTrials === undefined))
    throw new InvalidArgumentError('maxTrials', options.maxTrials, 'given, or addTrials instead (exactly one)');
  if (!(limit !== undefined && limit >= 1 && (Number.isInteger(limit) || limit === Infinity)))
    throw new InvalidArgumentError(
      options.maxTrials !== undefined ? 'maxTrials' : 'addTrials',
      limit,
      'an integer >= 1 (or Infinity)',
    );
  await prepareScheduledStudy(study, ASHA_KEY, options);
  const resolved: ASHALoopOptions =
    options.addTrials === undefined
      ? options
      : { ...options, maxTrials: startedConfigurations(study.getTrials()) + options.addTrials };
  const leftOver = study
    .getTrials({ states: ['WAITING'] })
    .filter((t) => slotOf(t) !== null)
    .map((t) => t.number);
  const ended = new Set(finished(study).map((t) => t.number));
  const reportEnded = async (): Promise<void> => {
    const fresh = finished(study).filter((t) => !ended.has(t.number));
    fresh.forEach((t) => ended.add(t.number));
    if (fresh.length > 0) await options.onJobsEnd?.(fresh);
  };
  const next = async (): Promise<number | null> => {
    if (study.isStopRequested) return null;
    const waiting = leftOver.shift();
    if (waiting !== undefined) return waiting;
    await study.refresh();
    await reportEnded();
    const job = nextASHAJob(study.getTrials(), resolved, study);
    if (job === null) return null;
    const slot: HyperbandSlot = {
      iteration: 0,
      bracket: rungs.length - 1,
      round: job.rung,
      initialEpoch: job.parent === null ? 0 : (slotOf(job.parent) as HyperbandSlot).epochs,
      epochs: rungs[job.rung] as number,
      parent: job.parent?.number ?? null,
    };
    const number = await createWaiting(study, slot, job.parent);
    await study.refresh(); // so the next call sees the job as taken
    return number;
  };
  await stream(study, next);
  await study.refresh();
  await reportEnded();
}

/**
 * The trials whose checkpoints no one needs any more: parents of promotions among `ended` that
 * COMPLETED (their own checkpoint now holds the configuration). A promotion that failed or was
 * interrupted leaves its parent's checkpoint, which a resumed run continues from.
 */
export function continuedParents(study: Study, ended: readonly FrozenTrial[]): FrozenTrial[] {
  const parents = new Set(ended.filter((t) => t.state === 'COMPLETE').map((t) => slotOf(t)?.parent));
  return study.getTrials().filter((t) => parents.has(t.number));
}

function finished(study: Study): FrozenTrial[] {
  return study.getTrials({ states: ['COMPLETE', 'PRUNED', 'FAIL'] });
}

export { ASHA_KEY };

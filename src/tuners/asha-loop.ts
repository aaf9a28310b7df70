import { InvalidArgumentError } from '../errors';
import type { Study } from '../study/study';
import type { FrozenTrial } from '../trial/frozen-trial';
import {
  ASHA_KEY,
  createWaiting,
  prepareScheduledStudy,
  rankTrials,
  slotOf,
  wasInterrupted,
  type HyperbandSlot,
  type RoundExecutor,
} from './hyperband-loop';
import { hyperbandSchedule } from './hyperband-schedule';

export interface AshaLoopOptions {
  readonly maxEpochs: number;
  readonly factor: number;
  /** The bottom rung's epochs. Default 1. */
  readonly minEpochs?: number;
  /** New configurations to start; once they are, the loop runs the promotions left and ends. */
  readonly maxTrials: number;
  /** Jobs handed to `execute` at once (one per worker). Default 1: exactly the paper's sequential ASHA. */
  readonly parallelism?: number;
  /** Called with each batch's finished trials (the tuner deletes checkpoints no one will continue). */
  readonly onJobsEnd?: (trials: readonly FrozenTrial[]) => void | Promise<void>;
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
export interface AshaJob {
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
export function nextAshaJob(trials: readonly FrozenTrial[], options: AshaLoopOptions, study: Study): AshaJob | null {
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
  const started = counted.filter((t) => slotOf(t)?.round === 0).length;
  return started < options.maxTrials ? { rung: 0, parent: null } : null;
}

/**
 * Asynchronous successive halving over a study, with promotions: each job is one configuration
 * trained for one rung, a study trial with the same `hyperband` slot attribute as the Hyperband
 * loop's (iteration 0, bracket s_max, round = rung), so the same slot trainers, checkpoints, samplers
 * (BOHB's included) and `--resume` work for both. A promoted configuration is a new WAITING trial
 * with its parent's params that continues the parent's checkpoint from `initialEpoch`.
 *
 * `parallelism` jobs are chosen at once (a job already handed out counts as promoted) and run by
 * `execute`; with 1 the loop is exactly sequential ASHA. Resumable like `runHyperband`: trials left
 * WAITING run first, ones left RUNNING by a dead process are failed and their jobs chosen again.
 * `study.stop()` ends the loop after the jobs in flight.
 */
export async function runAsha(study: Study, options: AshaLoopOptions, execute: RoundExecutor): Promise<void> {
  const rungs = ashaRungs(options.maxEpochs, options.factor, options.minEpochs ?? 1);
  if (!(options.maxTrials >= 1) || !(Number.isInteger(options.maxTrials) || options.maxTrials === Infinity))
    throw new InvalidArgumentError('maxTrials', options.maxTrials, 'an integer >= 1 (or Infinity)');
  const parallelism = options.parallelism ?? 1;
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new InvalidArgumentError('parallelism', parallelism, 'an integer >= 1');
  await prepareScheduledStudy(study, ASHA_KEY, options);
  const bracket = rungs.length - 1;
  while (!study.isStopRequested) {
    const jobs = study
      .getTrials({ states: ['WAITING'] })
      .filter((t) => slotOf(t) !== null)
      .map((t) => t.number);
    while (jobs.length < parallelism) {
      const job = nextAshaJob(study.getTrials(), options, study);
      if (job === null) break;
      const slot: HyperbandSlot = {
        iteration: 0,
        bracket,
        round: job.rung,
        initialEpoch: job.parent === null ? 0 : (slotOf(job.parent) as HyperbandSlot).epochs,
        epochs: rungs[job.rung] as number,
        parent: job.parent?.number ?? null,
      };
      jobs.push(await createWaiting(study, slot, job.parent));
      await study.refresh();
    }
    if (jobs.length === 0) return;
    const before = new Set(study.getTrials({ states: ['COMPLETE', 'PRUNED', 'FAIL'] }).map((t) => t.number));
    await execute(study, jobs);
    await study.refresh();
    await options.onJobsEnd?.(
      study.getTrials({ states: ['COMPLETE', 'PRUNED', 'FAIL'] }).filter((t) => !before.has(t.number)),
    );
  }
}

export { ASHA_KEY };

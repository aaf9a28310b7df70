import { TfjsTuneError } from '../../errors';
import type { Study } from '../../study/study';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { ashaRungs, continuedParents, runASHA } from '../../tuners/asha-loop';
import {
  INTERRUPTED_KEY,
  dropPartialCheckpoints,
  rankTrials,
  runHyperband,
  slotOf,
  type RoundExecutor,
} from '../../tuners/hyperband-loop';
import { hyperbandSchedule } from '../../schedulers/hyperband-schedule';
import type { RunConfig } from '../config/schema';
import type { WorkerPool } from './worker-pool';

/** How many trials one pass of the config's schedule creates (the progress bar's total; null: not known). */
export function scheduledTrials(config: RunConfig): number | null {
  if (config.scheduler.type !== 'hyperband') return null;
  const { factor, minEpochs, iterations } = config.scheduler;
  const perIteration = hyperbandSchedule(config.epochs, factor, minEpochs)
    .flatMap((bracket) => bracket.rounds)
    .reduce((sum, round) => sum + round.configs, 0);
  return perIteration * iterations;
}

/**
 * `scheduler: hyperband` (or `asha`, mode promotion) in `tfjs-tune run`: this process runs the loop
 * (`runHyperband` or `runASHA`, as the tuners do) and the pool's workers train its WAITING trials in
 * parallel. A Hyperband round ends when all of its trials have; ASHA makes a job whenever a worker
 * is idle, so none waits for the others. Checkpoints below `epochs` are deleted once nothing will
 * continue them: Hyperband's when their bracket ends, ASHA's when a promotion continuing them has
 * completed (any other may still be promoted, so it stays). Stops starting trials
 * at the deadline (the rest stay WAITING; `--resume` runs them).
 */
export async function runSchedule(
  study: Study,
  pool: WorkerPool,
  config: RunConfig,
  options: { workers: number; deadline: number | null; checkpointDir: string },
): Promise<void> {
  const running = pool.run(options.workers);
  const beforeDeadline = (): boolean => options.deadline === null || Date.now() < options.deadline;
  const execute: RoundExecutor = async (s, waiting) => {
    await pool.runWaiting(waiting.length, beforeDeadline);
    if (pool.failureReason !== null) throw new TfjsTuneError(pool.failureReason);
    if (!beforeDeadline()) s.stop();
  };
  const drop = (trials: readonly FrozenTrial[]): void =>
    dropPartialCheckpoints(trials, config.epochs, options.checkpointDir);
  const settings = { maxEpochs: config.epochs, factor: config.scheduler.factor, minEpochs: config.scheduler.minEpochs };
  try {
    if (config.scheduler.type === 'asha-promotion') {
      await runASHA(
        study,
        {
          ...settings,
          // `--resume --trials N` adds N, as for other runs; by default, a first bracket's worth.
          addTrials:
            config.trials ??
            config.scheduler.factor **
              (ashaRungs(config.epochs, config.scheduler.factor, config.scheduler.minEpochs).length - 1),
          onJobsEnd: (ended) => drop(continuedParents(study, ended)),
        },
        async (s, next) => {
          await pool.runJobs(async () => (await next()) !== null, beforeDeadline);
          if (pool.failureReason !== null) throw new TfjsTuneError(pool.failureReason);
          if (!beforeDeadline()) s.stop();
        },
      );
    } else {
      await runHyperband(study, { ...settings, iterations: config.scheduler.iterations, onBracketEnd: drop }, execute);
    }
  } finally {
    pool.stop();
    await running;
  }
}

/** Ctrl-C: the trials it failed ran again on `--resume` (their slots are not spent). */
export async function markInterrupted(study: Study, numbers: readonly number[]): Promise<void> {
  await study.refresh();
  for (const t of study.trials) {
    if (numbers.includes(t.number)) await study.storage.setTrialSystemAttr(t.trialId, INTERRUPTED_KEY, true);
  }
}

/** The best trial trained to the schedule's full `epochs` (early rungs score partly trained models). */
export function bestFullyTrained(study: Study, config: RunConfig): FrozenTrial | null {
  const full = study.getTrials({ states: ['COMPLETE'] }).filter((t) => slotOf(t)?.epochs === config.epochs);
  return rankTrials(full, study.direction)[0] ?? null;
}

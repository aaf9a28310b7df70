import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { TfjsTuneError } from '../../errors';
import type { Study } from '../../study/study';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { INTERRUPTED_KEY, rankTrials, runHyperband, slotOf } from '../../tuners/hyperband-loop';
import { hyperbandSchedule } from '../../tuners/hyperband-schedule';
import type { RunConfig } from '../config/schema';
import type { WorkerPool } from './worker-pool';

/** How many trials one pass of the config's Hyperband schedule creates (the progress bar's total). */
export function scheduledTrials(config: RunConfig): number {
  const { factor, minEpochs, iterations } = config.scheduler;
  const perIteration = hyperbandSchedule(config.epochs, factor, minEpochs)
    .flatMap((bracket) => bracket.rounds)
    .reduce((sum, round) => sum + round.configs, 0);
  return perIteration * iterations;
}

/**
 * `scheduler: hyperband` in `tfjs-tune run`: this process runs the Hyperband loop (brackets, rounds,
 * promotions — the same `runHyperband` as the `Hyperband` tuner) and the pool's workers train each
 * round's trials in parallel. A round ends when all of its trials have; once a bracket is over, the
 * checkpoints below `epochs` that no round will continue are deleted. Stops starting trials at the
 * deadline (the rest stay WAITING; `--resume` runs them).
 */
export async function runSchedule(
  study: Study,
  pool: WorkerPool,
  config: RunConfig,
  options: { workers: number; deadline: number | null; checkpointDir: string },
): Promise<void> {
  const running = pool.run(options.workers);
  const beforeDeadline = (): boolean => options.deadline === null || Date.now() < options.deadline;
  try {
    await runHyperband(
      study,
      {
        maxEpochs: config.epochs,
        factor: config.scheduler.factor,
        minEpochs: config.scheduler.minEpochs,
        iterations: config.scheduler.iterations,
        onBracketEnd: (trials) => dropPartialCheckpoints(trials, config.epochs, options.checkpointDir),
      },
      async (s, waiting) => {
        await pool.runWaiting(waiting.length, beforeDeadline);
        if (pool.failureReason !== null) throw new TfjsTuneError(pool.failureReason);
        if (!beforeDeadline()) s.stop();
      },
    );
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

/** The best trial trained to the schedule's full `epochs` (early rounds score partly trained models). */
export function bestFullyTrained(study: Study, config: RunConfig): FrozenTrial | null {
  const full = study.getTrials({ states: ['COMPLETE'] }).filter((t) => slotOf(t)?.epochs === config.epochs);
  return rankTrials(full, study.direction)[0] ?? null;
}

function dropPartialCheckpoints(trials: readonly FrozenTrial[], maxEpochs: number, checkpointDir: string): void {
  for (const t of trials) {
    if ((slotOf(t)?.epochs ?? maxEpochs) < maxEpochs)
      rmSync(join(checkpointDir, `trial_${t.number}`), { recursive: true, force: true });
  }
}

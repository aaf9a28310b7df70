import { TfjsTuneError } from '../../errors';
import { runSchedulerOnWorkers } from '../../execution/pool-executor';
import type { WorkerPool, WorkerPoolOptions } from '../../execution/worker-pool';
import { ASHAScheduler, ashaRungs } from '../../schedulers/asha';
import { HyperbandScheduler } from '../../schedulers/hyperband';
import { hyperbandSchedule } from '../../schedulers/hyperband-schedule';
import type { Scheduler } from '../../schedulers/scheduler';
import { dropCheckpoints } from '../../schedulers/slot-study';
import type { Study } from '../../study/study';
import { tieBreakFor } from '../../training/callbacks/best-epoch';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';
import { rankTrials, slotOf } from '../../trial/hyperband-slot';
import type { RunConfig } from '../config/schema';
import { pbtSchedulerFor } from './pbt-job';

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
 * The scheduler a config names, as the tuners build it (`epochs` is its maxEpochs). `joining`: for
 * `tfjs-tune worker`, which runs the study's Hyperband or ASHA jobs beside the run that created it
 * (ASHA: keeping to the limit of new configurations that run stored).
 */
export function schedulerFor(config: RunConfig, joining = false): Scheduler {
  const scheduler = config.scheduler;
  if (scheduler.type === 'none') throw new TfjsTuneError('schedulerFor: the config names no scheduler');
  const { factor, minEpochs } = scheduler;
  if (scheduler.type === 'asha')
    return joining
      ? new ASHAScheduler({ maxEpochs: config.epochs, factor, minEpochs, shared: true })
      : new ASHAScheduler({
          maxEpochs: config.epochs,
          factor,
          minEpochs,
          // `--resume --trials N` adds N, as for other runs; by default, a first bracket's worth.
          addTrials: config.trials ?? factor ** (ashaRungs(config.epochs, factor, minEpochs).length - 1),
        });
  return new HyperbandScheduler({
    maxEpochs: config.epochs,
    factor,
    minEpochs,
    iterations: scheduler.iterations,
    ...(joining ? { shared: true } : {}),
  });
}

/** How often a process of a shared study looks for what the others' results made possible. */
export const SHARED_POLL_MS = 1000;

/**
 * `scheduler: { type: hyperband | asha }` (and `method: bohb`) in `tfjs-tune run`: this process runs
 * the scheduler, as the tuners do (`runScheduler`), and the pool's workers train its jobs in
 * parallel (`PoolExecutor`). A Hyperband round ends when all of its trials have; ASHA makes a job
 * whenever a worker is idle, so none waits for the others. Checkpoints below `epochs` are deleted
 * once nothing will continue them (the scheduler releases them). Stops starting jobs at the deadline
 * (the rest stay for `--resume`).
 *
 * The same loop runs in `tfjs-tune worker` (`joining`) on other machines, for PBT and PB2 studies too:
 * every process decides its Hyperband, ASHA or PBT jobs from the stored trials and claims them from
 * storage, and a promotion, a PBT continuation or an exploit reloads the state it starts from out of
 * the study's shared checkpoint folder, whichever machine trained it. Each
 * process polls for what the others' results made possible, and ends when the study's jobs are all
 * done (the run waits for the workers' last jobs).
 */
export async function runSchedule(
  study: Study,
  config: RunConfig,
  options: {
    readonly workers: number;
    readonly deadline: number | null;
    readonly checkpointDir: string;
    readonly pool: WorkerPoolOptions;
    readonly onPool: (pool: WorkerPool) => void;
    readonly joining?: boolean;
  },
): Promise<void> {
  const { deadline } = options;
  const joining = options.joining === true;
  // PBT and PB2 reach here only joining: `tfjs-tune run` drives them itself (run-pbt.ts), in one process or on threads.
  const scheduler =
    config.pbt !== null ? pbtSchedulerFor({ ...config, pbt: config.pbt }, joining) : schedulerFor(config, joining);
  await runSchedulerOnWorkers(study, scheduler, options.pool, {
    workers: options.workers,
    onPool: options.onPool,
    shouldStart: () => deadline === null || Date.now() < deadline,
    onRelease: (numbers) => dropCheckpoints(numbers, options.checkpointDir),
    pollInterval: SHARED_POLL_MS,
  });
}

/**
 * The run's best trial, the one its summary names and `refit`, `evaluate`, `predict` and
 * `export-model` use: the best COMPLETE trial (under a scheduler, among those trained to the full
 * `epochs`: early rungs score partly trained models); equal values of an accuracy metric are told
 * apart by the best epoch's loss (`tieBreakFor`), then by the lower number.
 */
export function bestOfRun(
  trials: readonly FrozenTrial[],
  config: RunConfig,
  direction: StudyDirection,
): FrozenTrial | null {
  const candidates =
    config.scheduler.type === 'none' ? trials : trials.filter((t) => slotOf(t)?.epochs === config.epochs);
  return rankTrials(candidates, direction, tieBreakFor(config.metric.name))[0] ?? null;
}

/** {@link bestOfRun} over a study's trials. */
export function runBest(study: Study, config: RunConfig): FrozenTrial | null {
  return bestOfRun(study.trials, config, study.directions[0] ?? 'minimize');
}

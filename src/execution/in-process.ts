import type {
  Decision,
  Executor,
  Job,
  JobOutcome,
  JobResult,
  JobTrainer,
  PortableState,
} from '../schedulers/scheduler';
import type { Study } from '../study/study';
import { silentLogger, type Logger } from '../util/logger';
import { trainJob } from './train-job';

/**
 * Runs a scheduler's jobs one at a time in this process (`slots` 1), so one seed repeats a search
 * exactly. Each job's trial is claimed by number (a WAITING trial of another process or an enqueued
 * one is left alone; a job whose trial another process claimed first ends FAIL, the trial untouched); a state a trainer hands over (`JobEnd.state`) is kept for the jobs that start
 * from that trial, until the scheduler releases it.
 *
 * @example
 * ```ts
 * const train = tune.slotTrainerFor(tune.models.cnn, data, { checkpointDir: './checkpoints' });
 * await tune.runScheduler(study, new tune.ASHAScheduler({ maxEpochs: 27, maxTrials: 60 }), new tune.InProcessExecutor(tune.slotJobTrainer(train)));
 * ```
 */
export class InProcessExecutor implements Executor {
  readonly slots = 1;
  private readonly states = new Map<number, PortableState>();

  constructor(
    private readonly trainer: JobTrainer,
    private readonly logger: Logger = silentLogger,
  ) {}

  runJob(study: Study, job: Job, decide: (result: JobResult) => Decision): Promise<JobOutcome> {
    // Read now: the scheduler may release the state once this, its last job, has started.
    const start = job.start.kind === 'fresh' ? undefined : this.states.get(job.start.from);
    return this.run(study, job, decide, start);
  }

  private async run(
    study: Study,
    job: Job,
    decide: (result: JobResult) => Decision,
    start: PortableState | undefined,
  ): Promise<JobOutcome> {
    const trial = await study.askOrNull(undefined, { waitingOnly: true, trialNumber: job.trialNumber });
    // Another process of a shared study claimed it first (they hand out each other's WAITING jobs):
    // the job ends here without touching the trial, as on the worker pool.
    if (trial === null)
      return { state: 'FAIL', reason: `trial ${job.trialNumber} is not WAITING: another process took it` };
    const run = await trainJob(study, trial, job, this.trainer, decide, this.logger, start);
    if (run.state !== undefined) this.states.set(job.trialNumber, run.state);
    return run.outcome;
  }

  release(trialNumbers: readonly number[]): void {
    for (const n of trialNumbers) this.states.delete(n);
  }

  /** Trials whose states this executor holds (for tests and the PBT driver's bookkeeping). */
  get heldStates(): readonly number[] {
    return [...this.states.keys()];
  }
}

import { TfjsTuneError } from '../../errors';
import type { Study } from '../../study/study';
import { silentLogger, type Logger } from '../../util/logger';
import type { Executor, JobOutcome, JobTrainer, Scheduler } from '../scheduler';

// PBT's own in-process driver, until the shared loop (branch `sched`) lands; then this file goes and
// PBT runs on that loop's in-process and worker-thread executors.

/** Runs a scheduler's jobs one at a time in this process: with one worker a seed repeats a run exactly. */
export function pbtInProcessExecutor(
  trainer: JobTrainer & { release?(trialNumbers: readonly number[]): void },
  logger: Logger = silentLogger,
): Executor {
  return {
    async run(study: Study, scheduler: Scheduler): Promise<void> {
      await scheduler.prepare(study);
      for (;;) {
        const job = await scheduler.nextJob(study);
        // One job at a time: with none running, null means nothing can ever start.
        if (job === 'done' || job === null) {
          trainer.release?.(scheduler.releasable());
          return;
        }
        const trial = await study.ask();
        if (trial.number !== job.trialNumber) {
          const reason = `${scheduler.name} expected to run trial ${job.trialNumber} but the study handed out trial ${trial.number}; another process or an enqueued trial is using this study`;
          await study.tell(trial, null, { state: 'FAIL', failReason: reason });
          throw new TfjsTuneError(reason);
        }
        let outcome: JobOutcome;
        try {
          const end = await trainer({
            trial,
            job,
            report: async (result) => {
              trial.report(result.value, result.epoch);
              return scheduler.onResult(job, result);
            },
          });
          const frozen = await study.tell(trial, end.value);
          outcome =
            frozen.state === 'COMPLETE'
              ? { state: 'COMPLETE', epoch: end.epoch, value: end.value }
              : { state: 'FAIL', reason: frozen.failReason ?? 'a bad value' };
        } catch (e) {
          const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          await study.tell(trial, null, { state: 'FAIL', failReason: reason });
          outcome = { state: 'FAIL', reason };
        }
        if (outcome.state === 'FAIL') logger.warn(`trial ${trial.number} failed: ${outcome.reason}`);
        await scheduler.onJobEnd(job, outcome);
        trainer.release?.(scheduler.releasable());
        if (study.isStopRequested) return;
      }
    },
  };
}

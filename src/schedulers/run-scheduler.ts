import { TfjsTuneError } from '../errors';
import type { Study } from '../study/study';
import type { Executor, Job, JobOutcome, Scheduler } from './scheduler';

export interface RunSchedulerOptions {
  /** Asked before each job starts; false: start no more (a deadline). The rest stay for a resumed run. */
  readonly shouldStart?: () => boolean;
  /**
   * Frees what the caller keeps for trials no job will start from (checkpoint files), once per
   * trial per run, as the scheduler lists them (`releasable`); the executor frees its own states.
   */
  readonly onRelease?: (trialNumbers: readonly number[]) => void | Promise<void>;
  /**
   * Milliseconds: other processes run this study's jobs too (`tfjs-tune worker`). When the
   * scheduler has nothing to start, their results may change that, so the loop asks again after
   * this long even when no job of its own ended (and waits instead of refusing a scheduler that
   * says null with nothing running here). Unset: only a job ending here can unblock the scheduler.
   */
  readonly pollInterval?: number;
}

const sleep = (ms: number): Promise<'poll'> => new Promise((resolve) => setTimeout(() => resolve('poll'), ms));

/**
 * The one loop of every epoch-budget search: rebuilds the scheduler's state from the study
 * (`prepare`), then keeps up to `executor.slots` jobs running — asking `nextJob` whenever a slot is
 * free, and again whenever a job ends (a result may allow a promotion, end a Hyperband round or ready
 * a PBT member) — routes each reported result to `onResult` and its decision back, and tells the
 * scheduler how each job ended. Returns when the scheduler says 'done' and no job is running, or,
 * after the jobs in flight, once `study.stop()` was called or `shouldStart` says false (a resumed run
 * goes on from storage). With one slot, jobs run one at a time in the order the scheduler hands them
 * out, so a seed repeats a search exactly. With `pollInterval`, the same loop serves one of many
 * processes on a shared study: it also looks again every so often for what the others made possible.
 */
export async function runScheduler(
  study: Study,
  scheduler: Scheduler,
  executor: Executor,
  options: RunSchedulerOptions = {},
): Promise<void> {
  if (!Number.isInteger(executor.slots) || executor.slots < 1)
    throw new TfjsTuneError(`an executor needs at least one slot (got ${executor.slots})`);
  study.clearStop();
  await study.refresh();
  await scheduler.prepare(study);
  const released = new Set<number>();
  const release = async (): Promise<void> => {
    const fresh = scheduler.releasable().filter((n) => !released.has(n));
    if (fresh.length === 0) return;
    fresh.forEach((n) => released.add(n));
    executor.release?.(fresh);
    await options.onRelease?.(fresh);
  };
  const canStart = (): boolean => !study.isStopRequested && (options.shouldStart?.() ?? true);
  const inFlight = new Map<number, Promise<{ job: Job; outcome: JobOutcome }>>();
  let done = false;
  let waitingForRunning = false;
  for (;;) {
    waitingForRunning = false;
    while (!done && inFlight.size < executor.slots && canStart()) {
      const next = await scheduler.nextJob(study);
      if (next === 'done') done = true;
      else if (next === null) waitingForRunning = true;
      else {
        const job = next;
        // Started before the release below, so a state whose last use is this job is still there.
        const running = executor
          .runJob(study, job, (result) => scheduler.onResult(job, result))
          .then((outcome) => ({ job, outcome }));
        inFlight.set(job.trialNumber, running);
      }
      await release();
      if (next === null) break;
    }
    const poll = waitingForRunning && canStart() ? options.pollInterval : undefined;
    if (inFlight.size === 0) {
      if (poll !== undefined) {
        await sleep(poll);
        continue;
      }
      if (waitingForRunning && canStart())
        throw new TfjsTuneError(
          `scheduler "${scheduler.name}" has no job to start and none running, but did not say it is done`,
        );
      break;
    }
    let ended: { job: Job; outcome: JobOutcome } | 'poll';
    try {
      const waits = [
        ...inFlight.values(),
        ...(poll !== undefined && inFlight.size < executor.slots ? [sleep(poll)] : []),
      ];
      ended = await Promise.race(waits);
    } catch (e) {
      await Promise.allSettled(inFlight.values()); // the executor cannot go on: let the others end first
      throw e;
    }
    if (ended === 'poll') continue;
    const { job, outcome } = ended;
    inFlight.delete(job.trialNumber);
    await scheduler.onJobEnd(job, outcome);
    await release();
  }
  await study.refresh();
}

import type { Decision, Executor, Job, JobOutcome, JobResult, PortableState, Scheduler } from '../schedulers/scheduler';
import { runScheduler, type RunSchedulerOptions } from '../schedulers/run-scheduler';
import type { Study } from '../study/study';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool';

/**
 * Runs a scheduler's jobs on a {@link WorkerPool}'s threads, `slots` at once (one per worker). The
 * scheduler stays in this thread: every result a worker reports comes here and its decision goes
 * back. A state a job hands over (`JobEnd.state`) arrives with its buffers transferred, is kept here
 * for the jobs that start from that trial (PBT's exploit, a promotion), goes to their worker the
 * same way, and is dropped once the scheduler releases it.
 */
export class PoolExecutor implements Executor {
  private readonly states = new Map<number, PortableState>();
  private readonly released = new Set<number>();
  /** Jobs handed out that will still send a trial's state to their worker. */
  private readonly users = new Map<number, number>();

  constructor(
    private readonly pool: WorkerPool,
    readonly slots: number,
  ) {}

  runJob(_study: Study, job: Job, decide: (result: JobResult) => Decision): Promise<JobOutcome> {
    const from = job.start.kind === 'fresh' ? null : job.start.from;
    const held = from === null ? undefined : this.states.get(from);
    let take: (() => PortableState) | undefined;
    if (from !== null && held !== undefined) {
      this.users.set(from, (this.users.get(from) ?? 0) + 1);
      // Sent when a worker takes the job: the state itself (moved, detached here) when it is its
      // last use, else a copy (moved in turn), so the jobs after it still have it.
      take = () => {
        const left = (this.users.get(from) ?? 1) - 1;
        this.users.set(from, left);
        if (left > 0 || !this.released.has(from)) return copyState(held);
        this.states.delete(from);
        return held;
      };
    }
    return this.pool.runJob(job, take, decide).then((ended) => {
      if (ended.state !== undefined) this.states.set(job.trialNumber, ended.state);
      return ended.outcome;
    });
  }

  release(trialNumbers: readonly number[]): void {
    for (const n of trialNumbers) {
      this.released.add(n);
      if ((this.users.get(n) ?? 0) === 0) this.states.delete(n);
    }
  }

  /** Trials whose states this executor holds. */
  get heldStates(): readonly number[] {
    return [...this.states.keys()];
  }
}

function copyState(state: PortableState): PortableState {
  return { meta: state.meta, buffers: state.buffers.map((b) => b.slice(0)) };
}

export interface WorkersOptions extends RunSchedulerOptions {
  /** Worker threads, at least 1. */
  readonly workers: number;
  /** Called with the pool once it runs (Ctrl-C handlers call its `interrupt`). */
  readonly onPool?: (pool: WorkerPool) => void;
}

/**
 * {@link runScheduler} on worker threads: starts `workers` job workers (`pool.entry` calls
 * `serveJobs`), runs the scheduler's jobs on them and stops them at the end. Rejects when workers
 * kept crashing (after the jobs in flight).
 */
export async function runSchedulerOnWorkers(
  study: Study,
  scheduler: Scheduler,
  pool: WorkerPoolOptions,
  options: WorkersOptions,
): Promise<void> {
  const workers = new WorkerPool(pool);
  options.onPool?.(workers);
  const running = workers.run(options.workers, { lazy: true });
  try {
    await runScheduler(study, scheduler, new PoolExecutor(workers, options.workers), options);
  } finally {
    workers.stop();
    await running.catch(() => undefined); // its failure already surfaced through runJob
  }
  if (workers.failureReason !== null) throw new Error(workers.failureReason);
}

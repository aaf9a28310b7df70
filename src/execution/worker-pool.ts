import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';

import { TfjsTuneError } from '../errors';
import type { Decision, Job, JobOutcome, JobResult, PortableState } from '../schedulers/scheduler';
import { FAIL_REASON_KEY, OWNER_KEY, type Storage } from '../storage/base';
import { STOP_MESSAGE, transferList, type JobMessage, type PoolBoundMessage } from './protocol';

/** How many crashes in a row end the run instead of starting another worker. */
const MAX_CONSECUTIVE_CRASHES = 3;

export interface WorkerPoolOptions {
  /** The worker script (a built .js; under ts-jest a .ts, loaded through the repo's transpile hook). */
  readonly entry: string;
  /** What each worker gets as `workerData`, plus its `ownerTag`. Structured-cloned: typed arrays, not tensors. */
  readonly workerData: Readonly<Record<string, unknown>>;
  /** The study's storage, to fail a dead worker's trials. */
  readonly storage: Storage;
  readonly studyId: number;
  /** Every message a worker posts that is not for the pool (progress, backend, trial-end for a display). */
  readonly onMessage?: (message: unknown) => void;
  /** Appended to each worker's `process.argv` (a script run again in its workers reads its own arguments). */
  readonly argv?: readonly string[];
}

/** A job handed to the pool, until it ends. */
interface PendingJob {
  readonly job: Job;
  /** Called once, when a worker takes the job: the start state to send (its buffers are transferred). */
  readonly takeStartState: (() => PortableState) | undefined;
  readonly decide: (result: JobResult) => Decision;
  readonly resolve: (ended: { outcome: JobOutcome; state?: PortableState }) => void;
  readonly reject: (e: unknown) => void;
}

interface WorkerSlot {
  readonly worker: Worker;
  /** Every trial this worker starts carries this tag, so the pool can fail them if it dies. */
  readonly ownerTag: string;
  done: boolean;
  /** The worker said `ready` and holds no job. */
  idle: boolean;
  job: PendingJob | null;
}

/**
 * Worker threads for one search: starts `size` of them (each with its own tfjs backend: wasm is
 * single-threaded in Node, so threads are how a search uses every core) and keeps the search alive
 * when one crashes — the crashed worker's trial is marked FAIL and a fresh worker takes its place
 * (three crashes in a row end the run). `interrupt` (Ctrl-C) terminates the workers and fails the
 * trials they were running; nothing else is lost, because every finished trial is in storage.
 *
 * Workers either run trials on their own until the study is full (`tfjs-tune run` without a
 * scheduler), or serve jobs (`serveJobs`): {@link WorkerPool.runJob} hands a job to an idle worker,
 * routes every result it reports to `decide` and the decision back (a message round trip), and
 * resolves with the outcome and the state the job handed over. States travel with their
 * ArrayBuffers in the transfer list, both ways: moved between threads, not copied.
 */
export class WorkerPool {
  private readonly slots = new Set<WorkerSlot>();
  private readonly queue: PendingJob[] = [];
  private crashesInRow = 0;
  private stopping = false;
  private resolveAll: (() => void) | null = null;
  private failure: string | null = null;
  private readonly runId = randomUUID();
  private spawned = 0;
  private size = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * Resolves when every worker has finished; rejects with the reason when the run cannot go on.
   * `lazy` (job runs): a worker starts only when a job waits for one, up to `size`, so a run with
   * little or nothing left to do does not pay for starting every thread (seconds each).
   */
  run(size: number, options: { lazy?: boolean } = {}): Promise<void> {
    const all = new Promise<void>((resolve) => (this.resolveAll = resolve));
    this.size = size;
    if (options.lazy !== true) for (let i = 0; i < size; i++) this.spawn();
    return all.then(() => {
      if (this.failure !== null) throw new TfjsTuneError(this.failure);
    });
  }

  /** Why the run cannot go on (workers kept crashing), or null. */
  get failureReason(): string | null {
    return this.failure;
  }

  /** Asks workers to stop after their current job or trial. */
  stop(): void {
    this.stopping = true;
    for (const s of this.slots) s.worker.postMessage(STOP_MESSAGE);
    if (this.slots.size === 0) this.resolveAll?.();
  }

  /**
   * Runs a job on the next idle worker. Resolves with its outcome when the worker has told the
   * trial, or FAIL when the worker crashed (its trial failed), or FAIL without touching the trial
   * when the pool was interrupted or stopped before the job started (it stays WAITING for a resumed
   * run). Rejects once workers have crashed too often for the run to go on.
   */
  runJob(
    job: Job,
    takeStartState: (() => PortableState) | undefined,
    decide: (result: JobResult) => Decision,
  ): Promise<{ outcome: JobOutcome; state?: PortableState }> {
    if (this.failure !== null) return Promise.reject(new TfjsTuneError(this.failure));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, takeStartState, decide, resolve, reject });
      const running = [...this.slots].filter((slot) => slot.job !== null).length;
      // A starting worker takes a queued job once it says `ready`: start one only when none is free.
      while (!this.stopping && this.slots.size < this.size && running + this.queue.length > this.slots.size)
        this.spawn();
      this.dispatch();
    });
  }

  /** Terminates every worker now and fails the trials they were running; returns their numbers. */
  async interrupt(reason: string): Promise<number[]> {
    this.stopping = true;
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) {
      slot.done = true;
      await slot.worker.terminate();
    }
    const failed = await this.failRunningTrials((owner) => owner.startsWith(`${this.runId}/`), reason);
    for (const slot of slots) slot.job?.resolve({ outcome: { state: 'FAIL', reason } });
    this.drainQueue(reason);
    this.resolveAll?.();
    return failed;
  }

  /** Hands queued jobs to idle workers. */
  private dispatch(): void {
    if (this.stopping) {
      this.drainQueue('not started: the pool stopped');
      return;
    }
    for (const slot of this.slots) {
      if (!slot.idle) continue;
      const pending = this.queue.shift();
      if (pending === undefined) return;
      slot.idle = false;
      slot.job = pending;
      const startState = pending.takeStartState?.();
      const message: JobMessage = {
        type: 'job',
        job: pending.job,
        ...(startState !== undefined ? { startState } : {}),
      };
      slot.worker.postMessage(message, transferList(startState));
    }
  }

  /** Jobs that will not start now: FAIL for the driver; their trials stay WAITING. */
  private drainQueue(reason: string): void {
    for (const pending of this.queue.splice(0)) pending.resolve({ outcome: { state: 'FAIL', reason } });
  }

  private spawn(): void {
    const { entry } = this.options;
    // Under ts-jest the sources are .ts: load the worker through the repo's transpile hook.
    const execArgv = extname(entry) === '.ts' ? ['-r', require.resolve('../../test/helpers/register-ts.js')] : [];
    const ownerTag = `${this.runId}/${this.spawned++}`;
    const worker = new Worker(entry, {
      workerData: { ...this.options.workerData, ownerTag },
      execArgv,
      ...(this.options.argv !== undefined ? { argv: [...this.options.argv] } : {}),
    });
    const slot: WorkerSlot = { worker, ownerTag, done: false, idle: false, job: null };
    this.slots.add(slot);
    let lastError = '';
    worker.on('message', (m: unknown) => {
      const message = m as PoolBoundMessage;
      // A free-running worker that finished a trial (its display message) is healthy.
      if ((m as { type?: unknown } | null)?.type === 'trial-end') this.crashesInRow = 0;
      switch (message?.type) {
        case 'ready':
          slot.idle = true;
          this.dispatch();
          return;
        case 'result': {
          const decision = slot.job?.decide(message.result) ?? 'stop';
          worker.postMessage({ type: 'decision', trialNumber: message.trialNumber, decision });
          return;
        }
        case 'job-end': {
          this.crashesInRow = 0;
          const pending = slot.job;
          slot.job = null;
          pending?.resolve({ outcome: message.outcome, ...(message.state ? { state: message.state } : {}) });
          return;
        }
        case 'error':
          lastError = message.message;
          break;

        case 'done':
          slot.done = true;
          break;
      }
      this.options.onMessage?.(m);
    });
    worker.on('error', (e) => (lastError = e.message));
    worker.on('exit', (code) => void this.onExit(slot, code, lastError));
  }

  private async onExit(slot: WorkerSlot, code: number, lastError: string): Promise<void> {
    if (!this.slots.has(slot)) return;
    this.slots.delete(slot);
    slot.idle = false;
    if (!slot.done || code !== 0) {
      const reason = `worker crashed (exit code ${code})${lastError ? `: ${lastError}` : ''}`;
      await this.failRunningTrials((owner) => owner === slot.ownerTag, reason);
      if (slot.job !== null) await this.failJob(slot.job, slot.ownerTag, reason);
      this.crashesInRow++;
      if (this.crashesInRow >= MAX_CONSECUTIVE_CRASHES) {
        this.failure = `${MAX_CONSECUTIVE_CRASHES} workers crashed in a row; last: ${reason}`;
        this.stop();
        for (const pending of this.queue.splice(0)) pending.reject(new TfjsTuneError(this.failure));
      } else if (!this.stopping) {
        this.spawn();
        return;
      }
    } else if (slot.job !== null) {
      await this.failJob(slot.job, slot.ownerTag, 'its worker ended before the job did');
    }
    if (this.slots.size === 0) {
      this.drainQueue('not started: no worker left');
      this.resolveAll?.();
    }
  }

  /**
   * A job whose worker died: its trial FAIL (claimed by that worker, or still WAITING), the job
   * ended FAIL. A trial RUNNING under another owner was claimed by another process of a shared
   * study (this worker lost the claim): it is that process's, and stays alone.
   */
  private async failJob(pending: PendingJob, ownerTag: string, reason: string): Promise<void> {
    const trials = await this.options.storage.getAllTrials(this.options.studyId, {
      fromNumber: pending.job.trialNumber,
    });
    const trial = trials.find((t) => t.number === pending.job.trialNumber);
    const ours =
      trial?.state === 'WAITING' || (trial?.state === 'RUNNING' && trial.systemAttrs[OWNER_KEY] === ownerTag);
    if (trial !== undefined && ours) {
      try {
        await this.options.storage.setTrialSystemAttr(trial.trialId, FAIL_REASON_KEY, reason);
        await this.options.storage.setTrialState(trial.trialId, 'FAIL');
      } catch {
        // It finished in the meantime.
      }
    }
    pending.resolve({ outcome: { state: 'FAIL', reason } });
  }

  /** Marks FAIL the RUNNING trials whose owner tag matches; returns their numbers. */
  private async failRunningTrials(matches: (owner: string) => boolean, reason: string): Promise<number[]> {
    const { storage, studyId } = this.options;
    const failed: number[] = [];
    for (const t of await storage.getAllTrials(studyId, { states: ['RUNNING'] })) {
      const owner = t.systemAttrs[OWNER_KEY];
      if (typeof owner !== 'string' || !matches(owner)) continue;
      try {
        await storage.setTrialSystemAttr(t.trialId, FAIL_REASON_KEY, reason);
        await storage.setTrialState(t.trialId, 'FAIL');
        failed.push(t.number);
      } catch {
        // It finished in the meantime: nothing to fail.
      }
    }
    return failed;
  }
}

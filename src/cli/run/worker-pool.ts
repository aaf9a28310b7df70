import { randomUUID } from 'node:crypto';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { FAIL_REASON_KEY, OWNER_KEY, type Storage } from '../../storage/base';
import { RUN_WAITING_MESSAGE, STOP_MESSAGE, type WorkerJob, type WorkerMessage } from './protocol';

/** How many crashes in a row end the run instead of starting another worker. */
const MAX_CONSECUTIVE_CRASHES = 3;

interface Slot {
  worker: Worker;
  /** Every trial this worker starts carries this tag, so the parent can fail them if it dies. */
  ownerTag: string;
  done: boolean;
  /** Scheduled runs: the worker said `ready` and holds no job. */
  idle: boolean;
  /** Scheduled runs: the worker is training a job handed out by `runJobs`. */
  busy: boolean;
}

/** The jobs of one `runJobs` call: where the next comes from, and how many are out. */
interface JobFeed {
  readonly next: () => Promise<boolean>;
  readonly shouldStart: () => boolean;
  /** Jobs made (WAITING trials) but not yet handed to a worker. */
  made: number;
  running: number;
  /** `pump` is awaiting `next`; a job that ends meanwhile sets `again`, so the feed is asked anew. */
  pumping: boolean;
  again: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Runs trial workers for one `tfjs-tune run`: starts `size` of them, forwards their messages, and
 * keeps the run alive when one crashes — the crashed worker's trial is marked FAIL and a fresh
 * worker takes its place. `interrupt` (Ctrl-C) terminates the workers and fails the trials they
 * were running; nothing else is lost, because every finished trial is already in storage.
 *
 * Workers either run trials on their own until the study is full, or (Hyperband and ASHA, which the
 * parent schedules) wait for jobs: {@link WorkerPool.runJobs} has the parent make a WAITING trial
 * whenever a worker is idle and hands it over, so no worker waits for the others (ASHA);
 * {@link WorkerPool.runWaiting} hands out the WAITING trials of a Hyperband round.
 */
export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private crashesInRow = 0;
  private stopping = false;
  private resolveAll: (() => void) | null = null;
  private failure: string | null = null;
  private readonly runId = randomUUID();
  private spawned = 0;
  private feed: JobFeed | null = null;

  constructor(
    private readonly job: Omit<WorkerJob, 'ownerTag'>,
    private readonly storage: Storage,
    private readonly studyId: number,
    private readonly onMessage: (message: WorkerMessage) => void,
    /** The worker script; tests put a fake one here. Default: the trial worker beside this file. */
    private readonly entry: string = join(__dirname, `trial-worker${extname(__filename)}`),
  ) {}

  /** Resolves when every worker has finished; rejects with the reason when the run cannot go on. */
  run(size: number): Promise<void> {
    const all = new Promise<void>((resolve) => (this.resolveAll = resolve));
    for (let i = 0; i < size; i++) this.spawn();
    return all.then(() => {
      if (this.failure !== null) throw new Error(this.failure);
    });
  }

  /** Why the run cannot go on (workers kept crashing), or null. */
  get failureReason(): string | null {
    return this.failure;
  }

  /** Asks workers to stop after their current trial. */
  stop(): void {
    this.stopping = true;
    for (const s of this.slots) s.worker.postMessage(STOP_MESSAGE);
    void this.pump();
  }

  /**
   * Has the workers claim and train `count` WAITING trials, at most one per worker at a time;
   * resolves when every job has ended (trained, or its worker crashed). No job starts once
   * `shouldStart` says false or the pool is stopping: the rest stay WAITING for a later run.
   */
  runWaiting(count: number, shouldStart: () => boolean = () => true): Promise<void> {
    let left = count;
    return this.runJobs(() => Promise.resolve(left-- > 0), shouldStart);
  }

  /**
   * Whenever a worker is idle, calls `next`, which makes one WAITING trial and says true (or false:
   * no job now), and has that worker claim and train it. A job that ends may make new ones possible
   * (an ASHA promotion), so `next` is asked again then; resolves once it has said false with no job
   * running. Rejects when `next` throws. `shouldStart` and stopping work as for {@link runWaiting}.
   */
  runJobs(next: () => Promise<boolean>, shouldStart: () => boolean = () => true): Promise<void> {
    if (this.feed !== null) throw new Error('runJobs: the previous jobs have not ended');
    return new Promise<void>((resolve, reject) => {
      this.feed = { next, shouldStart, made: 0, running: 0, pumping: false, again: false, resolve, reject };
      void this.pump();
    });
  }

  /** Hands made jobs to idle workers, asking the feed for more, until it has none or no worker is idle. */
  private async pump(): Promise<void> {
    const feed = this.feed;
    if (feed === null) return;
    if (feed.pumping) {
      feed.again = true;
      return;
    }
    feed.pumping = true;
    let exhausted = false;
    try {
      do {
        feed.again = false;
        exhausted = false;
        while (!this.stopping && feed.shouldStart()) {
          const slot = [...this.slots].find((s) => s.idle);
          if (slot === undefined) break;
          if (feed.made === 0) {
            if (!(await feed.next())) {
              exhausted = true;
              break;
            }
            feed.made++;
            continue; // the worker may have gone while the job was made: look again
          }
          slot.idle = false;
          slot.busy = true;
          feed.made--;
          feed.running++;
          slot.worker.postMessage(RUN_WAITING_MESSAGE);
        }
      } while (feed.again);
    } catch (e) {
      if (this.feed === feed) this.feed = null;
      feed.reject(e);
      return;
    } finally {
      feed.pumping = false;
    }
    const cannotStart = this.stopping || !feed.shouldStart() || this.slots.size === 0;
    if (feed.running === 0 && (exhausted || cannotStart)) {
      if (this.feed === feed) this.feed = null;
      feed.resolve();
    }
  }

  /** A job ended (its worker is ready again, or crashed). */
  private jobEnded(slot: Slot): void {
    if (!slot.busy) return;
    slot.busy = false;
    if (this.feed !== null) this.feed.running--;
  }

  /** Terminates every worker now and fails the trials they were running. */
  async interrupt(reason: string): Promise<number[]> {
    this.stopping = true;
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) {
      slot.done = true;
      await slot.worker.terminate();
    }
    const failed = await this.failRunningTrials((owner) => owner.startsWith(`${this.runId}/`), reason);
    const feed = this.feed;
    this.feed = null;
    feed?.resolve();
    this.resolveAll?.();
    return failed;
  }

  private spawn(): void {
    // Under ts-jest the sources are .ts: load the worker through the repo's transpile hook.
    const execArgv =
      extname(this.entry) === '.ts' ? ['-r', require.resolve('../../../test/helpers/register-ts.js')] : [];
    const ownerTag = `${this.runId}/${this.spawned++}`;
    const worker = new Worker(this.entry, {
      workerData: { ...this.job, ownerTag },
      execArgv,
    });
    const slot: Slot = { worker, ownerTag, done: false, idle: false, busy: false };
    this.slots.add(slot);
    let lastError = '';
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'trial-end') this.crashesInRow = 0;
      if (m.type === 'error') lastError = m.message;
      if (m.type === 'done') slot.done = true;
      if (m.type === 'ready') {
        this.jobEnded(slot);
        slot.idle = true;
        void this.pump();
        return;
      }
      this.onMessage(m);
    });
    worker.on('error', (e) => (lastError = e.message));
    worker.on('exit', (code) => void this.onExit(slot, code, lastError));
  }

  private async onExit(slot: Slot, code: number, lastError: string): Promise<void> {
    if (!this.slots.has(slot)) return;
    this.slots.delete(slot);
    slot.idle = false;
    if (!slot.done || code !== 0) {
      const reason = `worker crashed (exit code ${code})${lastError ? `: ${lastError}` : ''}`;
      await this.failRunningTrials((owner) => owner === slot.ownerTag, reason);
      this.jobEnded(slot);
      this.crashesInRow++;
      if (this.crashesInRow >= MAX_CONSECUTIVE_CRASHES) {
        this.failure = `${MAX_CONSECUTIVE_CRASHES} workers crashed in a row; last: ${reason}`;
        this.stop();
      } else if (!this.stopping) {
        this.spawn();
        void this.pump();
        return;
      }
    }
    this.jobEnded(slot);
    void this.pump();
    if (this.slots.size === 0) this.resolveAll?.();
  }

  /** Marks FAIL the RUNNING trials whose owner tag matches; returns their numbers. */
  private async failRunningTrials(matches: (owner: string) => boolean, reason: string): Promise<number[]> {
    const failed: number[] = [];
    for (const t of await this.storage.getAllTrials(this.studyId, { states: ['RUNNING'] })) {
      const owner = t.systemAttrs[OWNER_KEY];
      if (typeof owner !== 'string' || !matches(owner)) continue;
      try {
        await this.storage.setTrialSystemAttr(t.trialId, FAIL_REASON_KEY, reason);
        await this.storage.setTrialState(t.trialId, 'FAIL');
        failed.push(t.number);
      } catch {
        // It finished in the meantime: nothing to fail.
      }
    }
    return failed;
  }
}

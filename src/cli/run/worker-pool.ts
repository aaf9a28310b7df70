import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { FAIL_REASON_KEY, type Storage } from '../../storage/base';
import { STOP_MESSAGE, type WorkerJob, type WorkerMessage } from './protocol';

/** How many crashes in a row end the run instead of starting another worker. */
const MAX_CONSECUTIVE_CRASHES = 3;

interface Slot {
  worker: Worker;
  /** The trial this worker is running: failed by the parent if the worker dies. */
  running: { number: number; trialId: number } | null;
  done: boolean;
}

/**
 * Runs trial workers for one `tfjs-tune run`: starts `size` of them, forwards their messages, and
 * keeps the run alive when one crashes — the crashed worker's trial is marked FAIL and a fresh
 * worker takes its place. `interrupt` (Ctrl-C) terminates the workers and fails the trials they
 * were running; nothing else is lost, because every finished trial is already in storage.
 */
export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private crashesInRow = 0;
  private stopping = false;
  private resolveAll: (() => void) | null = null;
  private failure: string | null = null;

  constructor(
    private readonly job: WorkerJob,
    private readonly storage: Storage,
    private readonly onMessage: (message: WorkerMessage) => void,
  ) {}

  /** Resolves when every worker has finished; rejects with the reason when the run cannot go on. */
  run(size: number): Promise<void> {
    const all = new Promise<void>((resolve) => (this.resolveAll = resolve));
    for (let i = 0; i < size; i++) this.spawn();
    return all.then(() => {
      if (this.failure !== null) throw new Error(this.failure);
    });
  }

  /** Asks workers to stop after their current trial. */
  stop(): void {
    this.stopping = true;
    for (const s of this.slots) s.worker.postMessage(STOP_MESSAGE);
  }

  /** Terminates every worker now and fails the trials they were running. */
  async interrupt(reason: string): Promise<number[]> {
    this.stopping = true;
    const failed: number[] = [];
    for (const slot of [...this.slots]) {
      const running = slot.running;
      slot.done = true;
      await slot.worker.terminate();
      if (running !== null && (await this.failTrial(running.trialId, reason))) failed.push(running.number);
    }
    this.slots.clear();
    this.resolveAll?.();
    return failed;
  }

  private spawn(): void {
    const ext = extname(__filename);
    // Under ts-jest the sources are .ts: load the worker through the repo's transpile hook.
    const execArgv = ext === '.ts' ? ['-r', require.resolve('../../../test/helpers/register-ts.js')] : [];
    const worker = new Worker(join(__dirname, `trial-worker${ext}`), { workerData: this.job, execArgv });
    const slot: Slot = { worker, running: null, done: false };
    this.slots.add(slot);
    let lastError = '';
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'trial-start') slot.running = { number: m.number, trialId: m.trialId };
      if (m.type === 'trial-end') {
        slot.running = null;
        this.crashesInRow = 0;
      }
      if (m.type === 'error') lastError = m.message;
      if (m.type === 'done') slot.done = true;
      this.onMessage(m);
    });
    worker.on('error', (e) => (lastError = e.message));
    worker.on('exit', (code) => void this.onExit(slot, code, lastError));
  }

  private async onExit(slot: Slot, code: number, lastError: string): Promise<void> {
    if (!this.slots.has(slot)) return;
    this.slots.delete(slot);
    if (!slot.done || code !== 0) {
      const reason = `worker crashed (exit code ${code})${lastError ? `: ${lastError}` : ''}`;
      if (slot.running !== null) await this.failTrial(slot.running.trialId, reason);
      this.crashesInRow++;
      if (this.crashesInRow >= MAX_CONSECUTIVE_CRASHES) {
        this.failure = `${MAX_CONSECUTIVE_CRASHES} workers crashed in a row; last: ${reason}`;
        this.stop();
      } else if (!this.stopping) {
        this.spawn();
        return;
      }
    }
    if (this.slots.size === 0) this.resolveAll?.();
  }

  /** Marks a trial FAIL unless it already finished; true when it was changed. */
  private async failTrial(trialId: number, reason: string): Promise<boolean> {
    try {
      const trial = await this.storage.getTrial(trialId);
      if (trial.state !== 'RUNNING') return false;
      await this.storage.setTrialSystemAttr(trialId, FAIL_REASON_KEY, reason);
      await this.storage.setTrialState(trialId, 'FAIL');
      return true;
    } catch {
      return false; // it finished in the meantime: nothing to fail
    }
  }
}

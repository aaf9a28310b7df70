import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { PoolExecutor, runSchedulerOnWorkers } from '../../src/execution/pool-executor';
import { WorkerPool, type WorkerPoolOptions } from '../../src/execution/worker-pool';
import { HyperbandScheduler } from '../../src/schedulers/hyperband';
import { runScheduler } from '../../src/schedulers/run-scheduler';
import type { Decision, Job, JobOutcome, JobResult, Scheduler } from '../../src/schedulers/scheduler';
import { storageFromUrl } from '../../src/storage/from-url';
import { slotOf } from '../../src/trial/hyperband-slot';

const fakeWorker = require.resolve('./fixtures/crashing-worker.ts');
const jobWorker = require.resolve('./fixtures/job-worker.ts');
const quiet = { logger: tune.logging.silentLogger };

let dir: string;
let storage: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pool-'));
  storage = `sqlite:${join(dir, 'pool.db')}`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('WorkerPool (workers that run trials on their own)', () => {
  async function runPool(crashWorkers: number[], size: number): Promise<{ study: tune.Study; error: unknown }> {
    const study = await tune.createStudy({ studyName: 's', storage, ...quiet });
    const handle = storageFromUrl(storage);
    const pool = new WorkerPool({
      entry: fakeWorker,
      workerData: { config: { study: 's', storage }, maxTrialsInStudy: 4, crashWorkers },
      storage: handle,
      studyId: study.studyId,
    });
    let error: unknown = null;
    await pool.run(size).catch((e: unknown) => (error = e));
    await handle.close();
    await study.refresh();
    return { study, error };
  }

  it('a worker that crashes fails its trial, not the run: a new worker finishes the study', async () => {
    const { study, error } = await runPool([0], 1);
    expect(error).toBeNull();
    const [crashed, ...rest] = study.trials;
    expect(crashed?.state).toBe('FAIL');
    expect(crashed?.failReason).toMatch(/worker crashed \(exit code 3\)/);
    expect(rest.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE']);
  });

  it('three crashes in a row end the run with the reason, every crashed trial FAIL', async () => {
    const { study, error } = await runPool([0, 1, 2, 3, 4], 1);
    expect(String(error)).toMatch(/3 workers crashed in a row/);
    expect(study.trials.map((t) => t.state)).toEqual(['FAIL', 'FAIL', 'FAIL']);
  });
});

/** Hands out a fixed list of jobs (creating each trial WAITING), optionally `stop` at an epoch; records every result. */
class ListScheduler implements Scheduler {
  readonly name = 'list';
  readonly results: [number, JobResult][] = [];
  readonly outcomes = new Map<number, JobOutcome>();
  private next = 0;
  private running = 0;
  constructor(
    private readonly jobs: readonly Omit<Job, 'trialNumber'>[],
    private readonly stopAt: (trialNumber: number, epoch: number) => boolean = () => false,
  ) {}
  async prepare(): Promise<void> {}
  async nextJob(study: tune.Study): Promise<Job | null | 'done'> {
    const spec = this.jobs[this.next];
    if (spec === undefined) return this.running > 0 ? null : 'done';
    // A job that continues another waits until that one has ended.
    if (spec.start.kind !== 'fresh' && !this.outcomes.has(spec.start.from)) return null;
    this.next++;
    this.running++;
    const created = await study.storage.createTrial(study.studyId, { state: 'WAITING' });
    return { ...spec, trialNumber: created?.number as number };
  }
  onResult(job: Job, result: JobResult): Decision {
    this.results.push([job.trialNumber, result]);
    return this.stopAt(job.trialNumber, result.epoch) ? 'stop' : 'continue';
  }
  async onJobEnd(job: Job, outcome: JobOutcome): Promise<void> {
    this.running--;
    this.outcomes.set(job.trialNumber, outcome);
  }
  releasable(): readonly number[] {
    return [];
  }
}

describe('PoolExecutor (jobs on worker threads)', () => {
  const poolOptions = async (
    study: tune.Study,
    extra: Record<string, unknown> = {},
    onMessage?: (m: unknown) => void,
  ): Promise<WorkerPoolOptions> => ({
    entry: jobWorker,
    workerData: { config: { study: study.studyName, storage }, delayMs: 5, ...extra },
    storage: study.storage,
    studyId: study.studyId,
    ...(onMessage ? { onMessage } : {}),
  });

  it('runs Hyperband on 2 workers: the schedule exactly, every result routed to the scheduler', async () => {
    const study = await tune.createStudy({ studyName: 'hb', storage, direction: 'maximize', ...quiet });
    await runSchedulerOnWorkers(study, new HyperbandScheduler({ maxEpochs: 3 }), await poolOptions(study), {
      workers: 2,
    });
    const slots = study.trials.map((t) => slotOf(t));
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(slots.map((s) => [s?.bracket, s?.round, s?.initialEpoch, s?.epochs])).toEqual([
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [1, 1, 1, 3],
      [0, 0, 0, 3],
      [0, 0, 0, 3],
    ]);
    // The promotion continued its parent's state, handed between threads: start = parent's value.
    const promoted = study.trials[3] as tune.FrozenTrial;
    const parent = study.trials[slots[3]?.parent as number] as tune.FrozenTrial;
    expect(parent.number).toBe(2); // maximize: value = number + 1 at one epoch
    expect(promoted.value).toBe((parent.value as number) + 3 + 3);
    expect([...promoted.intermediateValues.keys()]).toEqual([1, 2]);
  });

  it('sends each result to the scheduler and its decision back (a stop ends the job PRUNED); a crash fails one job', async () => {
    const study = await tune.createStudy({ studyName: 'stop', storage, ...quiet });
    const jobs = [0, 1, 2, 3, 4].map(() => ({ fromEpoch: 0, toEpoch: 4, start: { kind: 'fresh' as const } }));
    const scheduler = new ListScheduler(jobs, (n, epoch) => n % 2 === 1 && epoch === 2);
    await runSchedulerOnWorkers(study, scheduler, await poolOptions(study, { crashTrials: [2] }), { workers: 2 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'PRUNED', 'FAIL', 'PRUNED', 'COMPLETE']);
    expect([...(study.trials[1]?.intermediateValues.keys() ?? [])]).toEqual([0, 1]);
    expect(scheduler.outcomes.get(1)).toEqual({ state: 'PRUNED', epoch: 2 });
    expect(scheduler.outcomes.get(4)).toEqual({ state: 'COMPLETE', epoch: 4, value: 8 });
    const of = (n: number): number[] => scheduler.results.filter(([t]) => t === n).map(([, r]) => r.epoch);
    expect([of(0), of(1)]).toEqual([
      [1, 2, 3, 4],
      [1, 2],
    ]);
    // The crashed worker's trial failed with the reason; a fresh worker ran the jobs after it.
    expect(study.trials[2]?.failReason).toMatch(/worker crashed \(exit code 3\)/);
    expect(scheduler.outcomes.get(2)).toMatchObject({ state: 'FAIL' });
  });

  it('moves states between threads in the transfer list: detached on the sending side, intact on arrival', async () => {
    const study = await tune.createStudy({ studyName: 'move', storage, ...quiet });
    const detached: number[] = [];
    const options = await poolOptions(study, {}, (m) => {
      const message = m as { type: string; byteLength: number };
      if (message.type === 'detached') detached.push(message.byteLength);
    });
    const pool = new WorkerPool(options);
    const running = pool.run(1);
    try {
      const job = async (start: Job['start']): Promise<Job> => ({
        trialNumber: (await study.storage.createTrial(study.studyId, { state: 'WAITING' }))?.number as number,
        fromEpoch: 0,
        toEpoch: 1,
        start,
      });
      const first = await pool.runJob(await job({ kind: 'fresh' }), undefined, () => 'continue');
      expect(first.state?.meta).toEqual({ value: 1 }); // trial 0 + epoch 1
      const sent = { meta: null, buffers: [new Float64Array([100]).buffer] };
      const second = await pool.runJob(
        await job({ kind: 'continue', from: 0 }),
        () => sent,
        () => 'continue',
      );
      expect(second.outcome).toEqual({ state: 'COMPLETE', epoch: 1, value: 102 }); // 100 + trial 1 + epoch 1
      expect(sent.buffers[0]?.byteLength).toBe(0); // moved to the worker, not copied
      expect(new Float64Array(second.state?.buffers[0] as ArrayBuffer)[0]).toBe(102);
    } finally {
      pool.stop();
      await running;
    }
    expect(detached).toEqual([0, 0]); // and each worker's state left it the same way
  });

  it('a PoolExecutor keeps a handed-over state for the jobs that start from it, copying it while others may', async () => {
    const study = await tune.createStudy({ studyName: 'keep', storage, ...quiet });
    const pool = new WorkerPool(await poolOptions(study));
    const running = pool.run(1);
    const executor = new PoolExecutor(pool, 1);
    try {
      // Trial 0, then two jobs starting from it (PBT: the member goes on, another exploits it).
      const scheduler = new ListScheduler([
        { fromEpoch: 0, toEpoch: 1, start: { kind: 'fresh' } },
        { fromEpoch: 1, toEpoch: 2, start: { kind: 'continue', from: 0 } },
        { fromEpoch: 1, toEpoch: 2, start: { kind: 'exploit', from: 0 } },
      ]);
      await runScheduler(study, scheduler, executor);
      expect(study.trials.map((t) => t.value)).toEqual([1, 1 + 1 + 2, 1 + 2 + 2]);
      expect([...executor.heldStates].sort()).toEqual([0, 1, 2]); // nothing released
      executor.release([0, 1, 2]);
      expect(executor.heldStates).toEqual([]);
    } finally {
      pool.stop();
      await running;
    }
  });

  it('interrupt (Ctrl-C) fails the running trials and ends the run; the rest stay WAITING', async () => {
    const study = await tune.createStudy({ studyName: 'int', storage, ...quiet });
    const jobs = [0, 1, 2].map(() => ({ fromEpoch: 0, toEpoch: 40, start: { kind: 'fresh' as const } }));
    let pool: WorkerPool | null = null;
    let interrupting: Promise<number[]> | null = null;
    // Ctrl-C once the first job has reported its second epoch.
    const scheduler = new ListScheduler(jobs, (_n, epoch) => {
      if (epoch === 2 && interrupting === null) {
        study.stop();
        interrupting = (pool as unknown as WorkerPool).interrupt('interrupted (Ctrl-C)');
      }
      return false;
    });
    await runSchedulerOnWorkers(study, scheduler, await poolOptions(study), { workers: 1, onPool: (p) => (pool = p) });
    expect(await (interrupting as unknown as Promise<number[]>)).toEqual([0]);
    await study.refresh();
    expect(study.trials.map((t) => t.state)).toEqual(['FAIL']);
    expect(study.trials[0]?.failReason).toBe('interrupted (Ctrl-C)');
  });
});

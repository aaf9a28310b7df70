import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { WorkerPool } from '../../src/cli/run/worker-pool';
import type { WorkerJob } from '../../src/cli/run/protocol';
import { storageFromUrl } from '../../src/storage/from-url';

const fakeWorker = require.resolve('./fixtures/crashing-worker.ts');

describe('WorkerPool', () => {
  let dir: string;
  let storage: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pool-'));
    storage = `sqlite:${join(dir, 'pool.db')}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function runPool(crashWorkers: number[], size: number): Promise<{ study: tune.Study; error: unknown }> {
    const study = await tune.createStudy({ studyName: 's', storage, logger: tune.logging.silentLogger });
    const job = { config: { study: 's', storage }, maxTrialsInStudy: 4, crashWorkers } as unknown as Omit<
      WorkerJob,
      'ownerTag'
    >;
    const handle = storageFromUrl(storage);
    const pool = new WorkerPool(job, handle, study.studyId, () => undefined, fakeWorker);
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

describe('WorkerPool.runJobs (scheduled runs)', () => {
  const jobWorker = require.resolve('./fixtures/job-worker.ts');
  let dir: string;
  let storage: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-jobs-'));
    storage = `sqlite:${join(dir, 'jobs.db')}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function withPool(body: (pool: WorkerPool, study: tune.Study) => Promise<void>): Promise<tune.Study> {
    const study = await tune.createStudy({ studyName: 'j', storage, logger: tune.logging.silentLogger });
    const job = { config: { study: 'j', storage }, delayMs: 30 } as unknown as Omit<WorkerJob, 'ownerTag'>;
    const handle = storageFromUrl(storage);
    const pool = new WorkerPool(job, handle, study.studyId, () => undefined, jobWorker);
    const running = pool.run(2);
    try {
      await body(pool, study);
    } finally {
      pool.stop();
      await running;
      await handle.close();
    }
    await study.refresh();
    return study;
  }

  const makeWaiting = async (study: tune.Study): Promise<void> => {
    await study.storage.createTrial(study.studyId, { state: 'WAITING' });
  };

  it('asks for jobs again when one ends, and resolves only when none is left and none runs', async () => {
    const answers: boolean[] = [];
    const study = await withPool(async (pool, s) => {
      await pool.runJobs(async () => {
        await s.refresh();
        const made = s.trials.length;
        const done = s.getTrials({ states: ['COMPLETE'] }).length;
        // Three jobs at once; two more only once three have ended (as ASHA's promotions wait for results).
        if (made < 3 || (done >= 3 && made < 5)) {
          await makeWaiting(s);
          answers.push(true);
          return true;
        }
        answers.push(false);
        return false;
      });
    });
    // Jobs 4 and 5 can only be made by an ask after three jobs ended; how many asks said false
    // meanwhile depends on timing, so only the order is checked.
    expect(study.trials.map((t) => t.state)).toEqual(new Array(5).fill('COMPLETE'));
    expect(answers.filter(Boolean)).toHaveLength(5);
    expect(answers.indexOf(false)).toBeGreaterThan(2); // the first three asks made jobs
    expect(answers[answers.length - 1]).toBe(false);
  });

  it('rejects when making a job throws, and runWaiting hands out exactly the WAITING trials asked for', async () => {
    const study = await withPool(async (pool, s) => {
      await expect(pool.runJobs(() => Promise.reject(new Error('no storage')))).rejects.toThrow('no storage');
      for (let i = 0; i < 3; i++) await makeWaiting(s);
      await pool.runWaiting(2);
    });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'WAITING']);
  });
});

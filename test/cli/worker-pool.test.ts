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
    const study = await tune.createStudy({ studyName: 's', storage, logger: tune.silentLogger });
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runAndWorkerOnPBT, workerInterruptedOnPBT } from './worker-pbt-scenario';

describe('tfjs-tune worker on a PBT study', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-worker-pbt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a run and a worker process run one PBT study to its budget: each interval once, exploits across them from checkpoints', async () => {
    await runAndWorkerOnPBT(`sqlite:${join(dir, 's.db')}`, dir);
  }, 300_000);

  it('a worker that gets Ctrl-C in an interval marks it interrupted and exits; the run reruns it and finishes alone', async () => {
    await workerInterruptedOnPBT(`sqlite:${join(dir, 's.db')}`, dir);
  }, 300_000);
});

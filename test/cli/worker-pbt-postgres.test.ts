import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres-server';
import { runAndWorkerOnPBT } from './worker-pbt-scenario';

// The run-and-worker PBT scenario of worker-pbt.test.ts on a real PostgreSQL server, where claims
// are `FOR UPDATE SKIP LOCKED` and numbers come from the per-study counter.
let pg: ThrowawayPostgres;
beforeAll(async () => {
  pg = await startThrowawayPostgres();
});
afterAll(() => pg?.stop());

describe('tfjs-tune worker on a PBT study in PostgreSQL', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-worker-pbt-pg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a run and a worker process run one PBT study to its budget: each interval once, exploits across them from checkpoints', async () => {
    await runAndWorkerOnPBT(pg.createDatabase('pbt'), dir);
  }, 300_000);
});

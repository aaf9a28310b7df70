import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres-server';
import { runAndWorkerToBudget } from './worker-scenarios';

// The run-and-worker ASHA scenario of worker-schedulers.test.ts on a real PostgreSQL server, where
// claims are `FOR UPDATE SKIP LOCKED` and numbers come from the per-study counter.
let pg: ThrowawayPostgres;
beforeAll(async () => {
  pg = await startThrowawayPostgres();
});
afterAll(() => pg?.stop());

describe('tfjs-tune worker on an ASHA study in PostgreSQL', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-worker-pg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a run and a worker process run one ASHA study to its budget: each promotion once, rungs kept', async () => {
    await runAndWorkerToBudget(pg.createDatabase('asha'), dir);
  }, 300_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres-server';

const hook = require.resolve('../helpers/register-ts.js');
const workerScript = require.resolve('./fixtures/study-worker.ts');

function startWorker(job: object): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['-r', hook, workerScript, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

/** A fresh storage URL per test, and how to remove it. */
interface SharedStorage {
  before: () => Promise<string>;
  after: () => void;
}

function sqliteFile(): SharedStorage {
  let dir = '';
  return {
    before: async () => {
      dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-mp-'));
      return `sqlite:${join(dir, 'study.db')}`;
    },
    after: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A real PostgreSQL server for the file (started on first use), one new database per test. */
function postgresDatabase(): SharedStorage {
  let server: ThrowawayPostgres | null = null;
  let n = 0;
  afterAll(() => server?.stop());
  return {
    before: async () => {
      server ??= await startThrowawayPostgres();
      return server.createDatabase(`mp${++n}`);
    },
    after: () => undefined,
  };
}

describe.each([
  ['SQLite', sqliteFile()],
  ['PostgreSQL', postgresDatabase()],
])('several processes on one %s study', (_name, shared) => {
  let storage: string;
  beforeEach(async () => {
    storage = await shared.before();
  });
  afterEach(() => shared.after());

  it('3 processes x 20 trials give 60 distinct numbers 0-59 and no error', async () => {
    const workers = [0, 1, 2].map(() => startWorker({ storage, studyName: 's', nTrials: 20, mode: 'quadratic' }));
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });
    const study = await tune.loadStudy({ studyName: 's', storage, logger: tune.logging.silentLogger });
    const numbers = study.trials.map((t) => t.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('two processes split a grid: every point exactly once, then both stop', async () => {
    const workers = [0, 1].map(() => startWorker({ storage, studyName: 'g', nTrials: 50, mode: 'grid' }));
    for (const r of await Promise.all(workers.map((w) => w.done))) expect(r.code).toBe(0);
    const study = await tune.loadStudy({ studyName: 'g', storage, logger: tune.logging.silentLogger });
    const points = study.trials.map((t) => `${String(t.params['a'])}${String(t.params['b'])}`);
    expect(study.trials).toHaveLength(12);
    expect(new Set(points).size).toBe(12);
  });

  it('a process killed mid-trial: completed trials intact, the dead one FAIL, and the study continues to its total', async () => {
    const hb = { heartbeatInterval: 0.1, gracePeriod: 0.6 };
    const { child, done } = startWorker({ storage, studyName: 'k', nTrials: 50, mode: 'hang-at', hangAt: 4, ...hb });
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('started 4')) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 150)); // let the hung trial's heartbeat and report land
    child.kill('SIGKILL');
    await done;

    const before = await tune.loadStudy({
      studyName: 'k',
      storage,
      logger: tune.logging.silentLogger,
      heartbeatInterval: 0,
    });
    expect(before.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE', 'COMPLETE', 'RUNNING']);
    const completedBefore = before.trials.slice(0, 4).map((t) => [t.params, t.values]);
    await new Promise((r) => setTimeout(r, 700)); // past the grace period

    const resumed = await tune.loadStudy({
      studyName: 'k',
      storage,
      logger: tune.logging.silentLogger,
      ...hb,
      failedTrialCallback: tune.storages.retryFailedTrialCallback({ maxRetry: 1 }),
    });
    const dead = resumed.trials[4];
    expect(dead?.state).toBe('FAIL');
    expect(dead?.failReason).toMatch(/heartbeat/);
    expect(dead?.intermediateValues.get(0)).toBeDefined();
    expect(resumed.trials.slice(0, 4).map((t) => [t.params, t.values])).toEqual(completedBefore);

    await resumed.optimize((t) => t.suggestFloat('x', -5, 5) ** 2, {
      callbacks: [tune.maxTrialsCallback(10, { states: ['COMPLETE'] })],
    });
    expect(resumed.getTrials({ states: ['COMPLETE'] })).toHaveLength(10);
    // The retry re-ran the dead trial's parameters first.
    expect(resumed.trials[5]?.params['x']).toBe(dead?.params['x']);
    expect(resumed.trials[5]?.systemAttrs['retried_from']).toBe(4);
  });
});

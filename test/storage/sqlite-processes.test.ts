import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Storage } from '../../src/storage/base';
import { PostgresStorage } from '../../src/storage/postgres';
import { SqliteStorage } from '../../src/storage/sqlite';
import { startThrowawayPostgres } from '../../src/testing/postgres-server';
import type { WorkerResult, WorkerTask } from './fixtures/create-trials-worker';

const WORKER = path.join(__dirname, 'fixtures', 'create-trials-worker.ts');
const REGISTER_TS = path.join(__dirname, '..', 'helpers', 'register-ts.js');

interface Worker {
  ready: Promise<void>;
  go: () => void;
  done: Promise<WorkerResult>;
}

/** Starts a worker process; it loads TypeScript, says 'ready', and runs its tasks on `go()`. */
function startWorker(dbPath: string, tasks: readonly WorkerTask[]): Worker {
  const child = fork(WORKER, [dbPath, JSON.stringify(tasks)], {
    execArgv: ['-r', REGISTER_TS],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let result: WorkerResult | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.on('message', (m: unknown) => {
    if (m === 'ready') markReady();
    else result = m as WorkerResult;
  });
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result !== null) resolve(result);
      else reject(new Error(`worker exited with code ${code}:\n${stderr}`));
    });
  });
  // A worker that dies before 'ready' must fail the test rather than hang it.
  return { ready: Promise.race([ready, done.then(() => undefined)]), go: () => child.send('go'), done };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * 3 processes race to create the schema and two studies, then create trials flat out: numbers must
 * be unique and gap-free and `maxTrials` never overshot. `target` is what the workers open.
 */
async function raceThreeProcesses(target: string, open: () => Storage): Promise<void> {
  // 'free' pauses between trials like a real objective, so the processes take turns; 'capped'
  // runs flat out, so they contend for the write lock on every call.
  const tasks: WorkerTask[] = [
    { studyName: 'free', count: 30, pauseMs: 2 },
    { studyName: 'capped', count: 40, maxTrials: 100 },
  ];
  const workers = [0, 1, 2].map(() => startWorker(target, tasks));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  const results = await Promise.all(workers.map((w) => w.done));

  const free = results.flatMap((r) => r.numbers[0] ?? []);
  const capped = results.flatMap((r) => r.numbers[1] ?? []);
  expect(results.map((r) => r.numbers[0]?.length)).toEqual([30, 30, 30]);
  expect(results.every((r) => (r.numbers[1]?.length ?? 0) > 0)).toBe(true);
  expect(free.sort((a, b) => a - b)).toEqual(range(90));
  expect(capped.sort((a, b) => a - b)).toEqual(range(100));

  const storage = open();
  for (const [name, n] of [
    ['free', 90],
    ['capped', 100],
  ] as const) {
    const trials = await storage.getAllTrials(await storage.getStudyIdByName(name));
    expect(trials.map((t) => t.number)).toEqual(range(n));
    expect(trials.every((t) => t.state === 'COMPLETE' && t.value === t.number && 'x' in t.params)).toBe(true);
  }
  await storage.close();
}

describe('SqliteStorage shared by several processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-tune-sqlite-mp-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives 3 processes unique, gap-free trial numbers and never overshoots maxTrials', async () => {
    // The file does not exist yet: the workers also race to create the schema and the studies.
    const file = path.join(dir, 'shared.db');
    await raceThreeProcesses(file, () => new SqliteStorage(file));
  });
});

describe('PostgresStorage shared by several processes', () => {
  it('gives 3 processes unique, gap-free trial numbers and never overshoots maxTrials', async () => {
    const server = await startThrowawayPostgres();
    try {
      // A new, empty database: the workers also race to create the schema.
      const url = server.createDatabase('race');
      await raceThreeProcesses(url, () => new PostgresStorage(url));
    } finally {
      server.stop();
    }
  });
});

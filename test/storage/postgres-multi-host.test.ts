/**
 * Many machines, one study, on test hosts made here: the database in one network namespace,
 * `tfjs-tune run` and `tfjs-tune worker` processes in another, reaching it only over a veth link.
 * Workers are SIGKILLed at seeded random moments; the link is cut for seconds mid-run. Results are
 * read through the server's Unix socket, which no link cut touches.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../../src/random/rng';
import { PostgresStorage } from '../../src/storage/postgres';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres-server';
import { makeTestHosts, testHostsUnavailable, type TestHosts } from '../helpers/netns';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'src', 'cli', 'bin.ts');
const HOOK = path.join(ROOT, 'test', 'helpers', 'register-ts.js');

const config = (trials: number): string => `
study: shared
model: mlp
dataset: { name: synthetic-tabular, n: 120, nFeatures: 4, nInformative: 2, classes: 2 }
metric: { name: val_acc, goal: maximize }
method: random
parameters:
  num_layers: { value: 1 }
  batch_size: { value: 32 }
epochs: 1
seed: 3
trials: ${trials}
`;

interface Proc {
  readonly child: ChildProcess;
  output: () => string;
  readonly exited: Promise<number | null>;
}

/** Runs the tfjs-tune command on a test host. `ip netns exec` execs node, so the pid is node's. */
function cliOn(ns: string, args: readonly string[]): Proc {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-r', HOOK, BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Every COMPLETE trial intact, numbers 0..n-1 once each, nothing left WAITING, the budget met. */
function expectFinished(trials: readonly FrozenTrial[], budget: number): FrozenTrial[] {
  expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
  const complete = trials.filter((t) => t.state === 'COMPLETE');
  expect(complete.length).toBeGreaterThanOrEqual(budget);
  expect(trials.filter((t) => t.state === 'WAITING')).toEqual([]);
  const names = Object.keys(complete[0]?.params ?? {}).sort();
  expect(names.length).toBeGreaterThan(0);
  for (const t of complete) {
    expect(t.values).toHaveLength(1);
    expect(Number.isFinite(t.values?.[0])).toBe(true);
    expect(Object.keys(t.params).sort()).toEqual(names);
    expect(t.datetimeComplete).toBeInstanceOf(Date);
  }
  for (const t of trials.filter((x) => x.state === 'FAIL')) expect(t.failReason).not.toBeNull();
  return complete;
}

const unavailable = testHostsUnavailable();
if (unavailable !== null) console.warn(`multi-host PostgreSQL tests skipped: ${unavailable}`);
const describeHosts = unavailable === null ? describe : describe.skip;

describeHosts('one study on PostgreSQL, workers on another test host', () => {
  let hosts: TestHosts | null = null;
  let pg: ThrowawayPostgres | null = null;
  let dir = '';
  const procs: Proc[] = [];
  const cleanup = (): void => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    procs.length = 0;
    hosts?.setLinkDown(false);
    pg?.stop();
    hosts?.remove();
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
    pg = null;
    hosts = null;
  };
  process.once('exit', cleanup); // namespaces go even when jest is killed mid-test
  afterEach(cleanup);

  /** A test host pair, its database, a config and a shared checkpoint folder; returns what the CLI needs. */
  async function setUp(subnet: number, trials: number): Promise<{ url: string; cfg: string; ckpt: string }> {
    hosts = makeTestHosts(subnet);
    pg = await startThrowawayPostgres({
      host: hosts.dbAddress,
      port: 5432,
      commandPrefix: ['ip', 'netns', 'exec', hosts.dbNs],
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-tune-hosts-'));
    const cfg = path.join(dir, 'study.yaml');
    fs.writeFileSync(cfg, config(trials));
    return { url: pg.createDatabase('studies'), cfg, ckpt: path.join(dir, 'shared-checkpoints') };
  }

  function start(args: readonly string[]): Proc {
    const p = cliOn((hosts as TestHosts).workerNs, args);
    procs.push(p);
    return p;
  }

  async function readTrials(): Promise<FrozenTrial[]> {
    const storage = new PostgresStorage((pg as ThrowawayPostgres).socketUrl('studies'));
    try {
      return await storage.getAllTrials(await storage.getStudyIdByName('shared'));
    } finally {
      await storage.close();
    }
  }

  async function studyCreated(): Promise<boolean> {
    try {
      await readTrials();
      return true;
    } catch {
      return false;
    }
  }

  it('workers SIGKILLed at random moments: every COMPLETE trial intact, no number twice, the budget reached', async () => {
    const budget = 8;
    const { url, cfg, ckpt } = await setUp(1, budget);
    const run = start([
      'run',
      cfg,
      '--storage',
      url,
      '--checkpoints',
      ckpt,
      '--workers',
      '1',
      '--quiet',
      '--heartbeat',
      '0.5',
    ]);
    await until('the run to create the study', studyCreated);
    const worker = ['worker', '--storage', url, '--study', 'shared', '--workers', '1'];
    const rng = new Rng(18);
    let killed = 0;
    for (let i = 0; i < 3; i++) {
      const w = start(worker);
      // Early enough that the study (8 short trials) is still running: a worker starts in about a second.
      await sleep(rng.uniform(500, 3000));
      if (w.child.exitCode === null) {
        w.child.kill('SIGKILL');
        killed++;
      }
      await w.exited;
    }
    const last = start(worker);
    expect(await last.exited).toBe(0);
    expect(await run.exited).toBe(0);
    expect(killed).toBeGreaterThan(0);
    expectFinished(await readTrials(), budget);
  }, 300_000);

  it('the link to the database cut for 4 s mid-run: the run recovers and no completed trial is lost', async () => {
    const budget = 8;
    const { url, cfg, ckpt } = await setUp(2, budget);
    const run = start([
      'run',
      cfg,
      '--storage',
      url,
      '--checkpoints',
      ckpt,
      '--workers',
      '1',
      '--quiet',
      '--heartbeat',
      '1',
    ]);
    await until('the run to create the study', studyCreated);
    const worker = start(['worker', '--storage', url, '--study', 'shared', '--workers', '1']);
    let before: FrozenTrial[] = [];
    await until('a first COMPLETE trial', async () => {
      before = (await readTrials()).filter((t) => t.state === 'COMPLETE');
      return before.length > 0;
    });
    (hosts as TestHosts).setLinkDown(true);
    await sleep(4000);
    (hosts as TestHosts).setLinkDown(false);
    expect(await worker.exited).toBe(0);
    expect(await run.exited).toBe(0);
    const trials = await readTrials();
    const complete = expectFinished(trials, budget);
    // Completed before the cut: still there, unchanged; told COMPLETE by the worker: stored COMPLETE.
    for (const t of before) expect(trials[t.number]?.toJSON()).toEqual(t.toJSON());
    const stored = new Set(complete.map((t) => t.number));
    for (const m of worker.output().matchAll(/trial (\d+) COMPLETE/g)) expect(stored.has(Number(m[1]))).toBe(true);
  }, 300_000);
});

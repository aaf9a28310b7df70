import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tune from '../../src';
import { RUN_RECORD_KEY } from '../../src/cli/run/run-record';
import { DISCARDED_KEY, isSpent } from '../../src/schedulers/slot-claims';
import { rankTrials, slotOf } from '../../src/trial/hyperband-slot';

// What the multi-process scheduler tests share (worker-schedulers*.test.ts): processes of the
// command, and a run and a worker on one ASHA study, on SQLite or PostgreSQL.

const hook = require.resolve('../helpers/register-ts.js');
const bin = join(__dirname, '..', '..', 'src', 'cli', 'bin.ts');

/** Starts `tfjs-tune ARGS` as its own process; `done` resolves with its exit code and output. */
export function launch(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
} {
  const child = spawn(process.execPath, ['-r', hook, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err }))) };
}

/** {@link launch}, awaited. */
export function start(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return launch(args).done;
}

/** The process (worker pool) that trained a trial: its owner tag is `<pool run id>/<thread>`. */
export const processOf = (t: tune.FrozenTrial): string =>
  JSON.stringify(t.systemAttrs['owner']).split('/')[0] as string;

/**
 * Writes a run config for study "a": a one-layer MLP on a synthetic table of `n` rows, seed 4, plus
 * `schedule` (epochs, trials, scheduler or method); returns its path.
 */
export function writeMlpConfig(
  path: string,
  sizes: { n: number; batchSize: number },
  schedule: Record<string, unknown>,
): string {
  const config = {
    model: 'mlp',
    dataset: { name: 'synthetic-tabular', n: sizes.n, nFeatures: 6, nInformative: 3, classes: 2 },
    metric: { name: 'val_acc', goal: 'maximize' },
    parameters: { num_layers: { value: 1 }, batch_size: { value: sizes.batchSize } },
    study: 'a',
    seed: 4,
    ...schedule,
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** The study as it is now, read without heartbeats; null before it exists. */
export async function peek(storage: string): Promise<tune.FrozenTrial[] | null> {
  if (storage.startsWith('sqlite:') && !existsSync(storage.slice('sqlite:'.length))) return null;
  const s = await tune
    .loadStudy({ studyName: 'a', storage, logger: tune.logging.silentLogger, heartbeatInterval: 0 })
    .catch(() => null);
  const trials = s?.trials ?? null;
  await s?.storage.close();
  return trials;
}

/**
 * `tfjs-tune run` on an ASHA config (12 configurations, rungs 1, 3, 9 epochs) and a `tfjs-tune
 * worker` joining as soon as the study holds the run's record; checks that together they ran it to
 * its budget, every promotion exactly once, rungs kept, both processes training. `killWorker`: the
 * worker is SIGKILLed in its first job (heartbeats every second), and the run alone finishes the
 * study, that job failed by the heartbeat check and run again.
 */
export async function runAndWorkerToBudget(storage: string, dir: string, killWorker = false): Promise<void> {
  // Large enough that the run is still in its first rung when the worker has started (seconds).
  const cfg = writeMlpConfig(
    join(dir, 'asha.json'),
    { n: 1200, batchSize: 16 },
    {
      epochs: 9,
      trials: 12,
      scheduler: { type: 'asha', factor: 3 },
    },
  );
  const ckpt = join(dir, 'shared');
  const heartbeat = killWorker ? ['--heartbeat', '1'] : [];
  const run = start([
    'run',
    cfg,
    '--storage',
    storage,
    '--checkpoints',
    ckpt,
    '--workers',
    '1',
    '--json',
    ...heartbeat,
  ]);
  // The worker joins as soon as the run has recorded its config in the study.
  let joined = false;
  for (let i = 0; i < 1200 && !joined; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (storage.startsWith('sqlite:') && !existsSync(storage.slice('sqlite:'.length))) continue;
    const s = await tune
      .loadStudy({ studyName: 'a', storage, logger: tune.logging.silentLogger, heartbeatInterval: 0 })
      .catch(() => null);
    joined = s !== null && s.systemAttrs[RUN_RECORD_KEY] !== undefined;
    await s?.storage.close();
  }
  expect(joined).toBe(true);
  const worker = launch(['worker', '--storage', storage, '--study', 'a', '--workers', '1']);
  let killed: tune.FrozenTrial | undefined;
  for (let i = 0; killWorker && i < 1200 && killed === undefined; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const now = (await peek(storage)) ?? [];
    // The run claims trial 0 first; a trial RUNNING under another pool's tag is the worker's.
    const first = now[0];
    if (first?.systemAttrs['owner'] === undefined) continue;
    killed = now.find(
      (t) => t.state === 'RUNNING' && t.systemAttrs['owner'] !== undefined && processOf(t) !== processOf(first),
    );
    if (killed !== undefined) worker.child.kill('SIGKILL');
  }
  const [ran, worked] = await Promise.all([run, worker.done]);
  expect(ran.err).toBe('');
  expect(ran.code).toBe(0);
  if (killWorker) expect([killed !== undefined, worked.code]).toEqual([true, null]);
  else {
    expect(worked.code).toBe(0);
    expect(worked.err).toMatch(/done: ASHA study "a"/);
  }

  const study = await tune.loadStudy({
    studyName: 'a',
    storage,
    logger: tune.logging.silentLogger,
    heartbeatInterval: 0,
  });
  const trials = study.trials;
  expect(trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
  const kept = trials.filter((t) => !isSpent(t));
  // Nothing failed but duplicates discarded untrained.
  expect(kept.every((t) => t.state === 'COMPLETE')).toBe(true);
  const discarded = trials.filter((t) => t.systemAttrs[DISCARDED_KEY] === true);
  expect(discarded.every((t) => t.intermediateValues.size === 0)).toBe(true);
  // The budget: the 12 configurations; every promotion run exactly once.
  const rung = (k: number): tune.FrozenTrial[] => kept.filter((t) => slotOf(t)?.round === k);
  expect(rung(0)).toHaveLength(12);
  const parents = kept.map((t) => slotOf(t)?.parent).filter((p) => p !== null);
  expect(new Set(parents).size).toBe(parents.length);
  // Rungs: 1, 3, 9 epochs; a promotion continues its parent from the parent's rung, with its params.
  for (const [k, [from, to]] of [
    [1, 3],
    [3, 9],
  ].entries()) {
    const top = rankTrials(rung(k), 'maximize').slice(0, Math.floor(rung(k).length / 3));
    const promoted = rung(k + 1).map((t) => slotOf(t)?.parent);
    expect(top.every((t) => promoted.includes(t.number))).toBe(true);
    for (const t of rung(k + 1)) {
      const parent = trials[slotOf(t)?.parent ?? -1] as tune.FrozenTrial;
      expect([slotOf(parent)?.epochs, slotOf(t)?.initialEpoch, slotOf(t)?.epochs]).toEqual([from, from, to]);
      expect(t.params).toEqual(parent.params);
      expect([...t.intermediateValues.keys()]).toEqual(Array.from({ length: to! - from! }, (_, i) => from! + i));
    }
  }
  if (killed !== undefined) {
    // The killed worker's job: failed by the run's heartbeat check, its work made up (counts above).
    expect(trials[killed.number]?.state).toBe('FAIL');
    expect(trials[killed.number]?.failReason).toMatch(/^no heartbeat/);
    await study.storage.close();
    return;
  }
  // Both processes trained (which continues whose checkpoint is up to timing: the next test forces it).
  expect(new Set(kept.map(processOf)).size).toBe(2);
  await study.storage.close();
}

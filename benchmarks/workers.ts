/**
 * Worker-thread scaling of `tfjs-tune run`: the README's example job (examples/cifar-cnn.yaml:
 * random search, so both runs train the same configurations) with pruning off (which trials a
 * pruner stops depends on what has finished when it asks, so with it the runs would not do the
 * same work), run with 1 and with 2 worker threads side by side (goal: 2 workers >= 1.85x).
 * Besides wall time it shares out where a two-worker run loses against two cores: the mean epoch
 * (longer with two: the cores contend), the busy share (trial time summed over both workers ÷
 * twice the wall: idle workers, set-up between trials, the parent's own work) and launch to the
 * first trial.
 *
 *   WORKER_SCALING_TRIALS=12 npm run bench -- worker-scaling
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { parse } from 'yaml';

import { runOurs } from './main-job/run-ours';
import { summarizeRun, type RunRecord } from './main-job/summary';
import type { BenchResult } from './result';

function exampleWithoutPruner(trials: number): Record<string, unknown> {
  const example = resolve(__dirname, '..', '..', 'examples', 'cifar-cnn.yaml');
  const config = parse(readFileSync(example, 'utf8')) as Record<string, unknown>;
  const { pruner: _pruner, ...rest } = config; // no pruner: left out
  return { ...rest, trials };
}

/** A row of the probe: the CNN step time in its ms / epoch column, the rest left empty. */
function probeRow(label: string, ms: number): Record<string, string | number> {
  return { workers: `step probe, ${label}`, 'ms / epoch': `${ms.toFixed(2)} ms a CNN step` };
}

/** Trial seconds (start to end) summed over the run ÷ (workers × wall). */
function busyShare(run: RunRecord): number {
  const busy = run.trials.reduce((s, t) => s + (Number.isFinite(t.end - t.start) ? t.end - t.start : 0), 0);
  return busy / (run.workers * run.wallSeconds);
}

/** ms per CNN step of `copies` step-probe processes started together (each its own number). */
async function probeSteps(copies: number): Promise<number[]> {
  const probe = resolve(__dirname, 'training', 'step-probe.js');
  const one = (): Promise<number> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [probe], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) =>
        code === 0 ? done(Number(out.trim())) : fail(new Error(`step-probe exited ${code}`)),
      );
    });
  return Promise.all(Array.from({ length: copies }, one));
}

export async function workerScaling(options: { trials?: number } = {}): Promise<BenchResult> {
  const trials = options.trials ?? Number(process.env['WORKER_SCALING_TRIALS'] ?? 12);
  if (!Number.isInteger(trials) || trials < 2)
    throw new Error(`WORKER_SCALING_TRIALS: got ${trials}; expected an integer ≥ 2`);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-workers-'));
  try {
    const config = exampleWithoutPruner(trials);
    const runs: RunRecord[] = [];
    for (const workers of [1, 2]) runs.push(await runOurs(config, { variant: 'example', workers, seed: 42 }, dir));
    const rows: Record<string, string | number>[] = runs.map((run) => {
      const s = summarizeRun(run);
      return {
        workers: run.workers,
        'wall s': s.wallSeconds,
        trials: s.trials,
        'epochs trained': s.epochs,
        'ms / epoch': s.msPerEpoch,
        'trials / hour': (3600 * s.trials) / s.wallSeconds,
        'busy share': busyShare(run),
        'launch → first trial s': s.launchToFirstTrial ?? Number.NaN,
      };
    });
    const [one, two] = runs.map(summarizeRun);
    if (one === undefined || two === undefined) throw new Error('worker-scaling: a run is missing');
    // The machine's own contention: two independent processes, nothing of ours shared.
    const [solo = Number.NaN] = await probeSteps(1);
    const pair = await probeSteps(2);
    const pairMean = pair.reduce((a, b) => a + b, 0) / pair.length;
    rows.push(probeRow('1 process', solo), probeRow('2 processes at once', pairMean));
    return {
      name: 'worker-scaling',
      description:
        `tfjs-tune run examples/cifar-cnn.yaml (random search, pruner off, ${trials} trials, seed 42), ` +
        `1 vs 2 worker threads, one after the other in one run on ${cpus().length} cores. ` +
        `ms / epoch: mean trained epoch (training and validation); busy share: trial seconds summed over ` +
        `the workers ÷ (workers × wall). Step probe: the zoo CNN's wasm training step (batch 32) in one ` +
        `process, then in two independent processes at once: how much this machine's two cores slow ` +
        `each other down with nothing of tfjs-tune's shared.`,
      rows,
      ratios: {
        'two ÷ one workers, wall (goal ≥ 1.85)': one.wallSeconds / two.wallSeconds,
        'two ÷ one workers, mean epoch time (contention)': two.msPerEpoch / one.msPerEpoch,
        'two processes ÷ one, CNN step time (the machine alone)': pairMean / solo,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

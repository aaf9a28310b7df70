/**
 * The other side of the main job: optuna_main_job.py in `workers` Python processes (one thread
 * each) sharing one Optuna journal file, each running its share of the trials, timed from the
 * first spawn to the last exit. Never installs anything; {@link theirsUnavailable} says why it
 * cannot run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { RunConfig } from '../../src/cli/config/schema';
import { benchScript, ONE_THREAD, PYTHON, pythonLacks } from '../training/torch-runner';
import type { SpaceEntry } from './job';
import type { RunRecord, TrialRecord } from './summary';

const SCRIPT = join('main-job', 'optuna_main_job.py');

/** Why Optuna + PyTorch cannot run here, or undefined when they can. */
export function theirsUnavailable(): string | undefined {
  if (benchScript(SCRIPT) === undefined) return `benchmarks/${SCRIPT} not found`;
  return pythonLacks({ torch: 'python3-torch', optuna: 'python3-optuna', numpy: 'python3-numpy' });
}

/** What the Python side reads: the study, its seed and size, the space and the pruner. */
export function pythonJob(config: RunConfig, space: readonly SpaceEntry[]): Record<string, unknown> {
  return {
    study: config.study,
    seed: config.seed,
    epochs: config.epochs,
    monitor: config.metric.name,
    space,
    pruner: { n_startup_trials: config.pruner.nStartupTrials, n_warmup_steps: config.pruner.nWarmupSteps },
  };
}

/** `trials` split over `workers` processes as evenly as it goes (the first ones take the rest). */
export function shares(trials: number, workers: number): number[] {
  return Array.from({ length: workers }, (_, i) => Math.floor(trials / workers) + (i < trials % workers ? 1 : 0));
}

function runProcess(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, args, { env: { ...process.env, ...ONE_THREAD }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

function readTrials(path: string, launch: number): TrialRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const r = JSON.parse(l) as {
        number: number;
        state: string;
        value: number | null;
        start: number;
        end: number;
        epochs: { seconds: number }[];
      };
      return {
        number: r.number,
        state: r.state,
        value: r.value,
        start: r.start - launch,
        end: r.end - launch,
        epochSeconds: r.epochs.map((e) => e.seconds),
      };
    });
}

export async function runTheirs(
  job: Record<string, unknown>,
  dataFile: string,
  trials: number,
  meta: { variant: string; workers: number; seed: number },
  dir: string,
): Promise<RunRecord> {
  const script = benchScript(SCRIPT) as string;
  const tag = `theirs-${meta.variant}-w${meta.workers}-s${meta.seed}`;
  const jobFile = join(dir, `${tag}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const storage = join(dir, `${tag}.journal`);
  const outs = shares(trials, meta.workers).map((_, i) => join(dir, `${tag}-p${i}.jsonl`));
  const launch = Date.now() / 1000;
  const results = await Promise.all(
    shares(trials, meta.workers).map((n, i) =>
      runProcess([
        script,
        '--job',
        jobFile,
        '--data',
        dataFile,
        '--storage',
        storage,
        '--trials',
        String(n),
        '--out',
        outs[i] as string,
        '--process',
        String(i),
      ]),
    ),
  );
  const wallSeconds = Date.now() / 1000 - launch;
  const failed = results.find((r) => r.code !== 0);
  if (failed !== undefined)
    throw new Error(`main-job: optuna_main_job.py exited ${failed.code}: ${failed.stderr.slice(-400)}`);
  const records = outs.flatMap((o) => readTrials(o, launch)).sort((a, b) => a.number - b.number);
  return { side: 'theirs', ...meta, wallSeconds, trials: records };
}

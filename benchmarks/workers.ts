/**
 * Trials per hour of `tfjs-tune run examples/cifar-cnn.yaml` with 1 and with 2 worker threads,
 * side by side in one run (goal: 2 workers >= 1.7x on this 2-core machine). Each run gets a fresh
 * study file. Pruning is switched off in a copy of the config: which trials a pruner stops depends
 * on what has finished when it asks, so with it the two runs would not do the same work.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { parse, stringify } from 'yaml';

import type { BenchResult } from './result';

function configWithoutPruner(dir: string): string {
  const example = resolve(__dirname, '..', '..', 'examples', 'cifar-cnn.yaml');
  const config = parse(readFileSync(example, 'utf8')) as Record<string, unknown>;
  config['pruner'] = 'none';
  const path = join(dir, 'cifar-cnn-no-pruner.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

function trialsPerHour(workers: number, trials: number, dir: string): number {
  const bin = resolve(__dirname, '..', 'src', 'cli', 'bin.js');
  const config = configWithoutPruner(dir);
  const storage = `sqlite:${join(dir, `w${workers}.db`)}`;
  const t0 = Date.now();
  execFileSync(
    process.execPath,
    [bin, 'run', config, '--storage', storage, '--workers', String(workers), '--trials', String(trials), '--quiet'],
    {
      stdio: 'ignore',
    },
  );
  return (trials * 3_600_000) / (Date.now() - t0);
}

export async function workerScaling(options: { trials?: number } = {}): Promise<BenchResult> {
  const trials = options.trials ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-workers-'));
  try {
    const one = trialsPerHour(1, trials, dir);
    const two = trialsPerHour(2, trials, dir);
    return {
      name: 'worker-scaling',
      description: `tfjs-tune run examples/cifar-cnn.yaml (pruner off), ${trials} trials, 1 vs 2 worker threads`,
      rows: [
        { workers: 1, trialsPerHour: one },
        { workers: 2, trialsPerHour: two },
      ],
      ratios: { twoOverOne: two / one },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench -- main-job` (issue #20): the README's main job and its batch-norm variant end to
 * end, ours (`tfjs-tune run`, worker threads) beside Optuna + PyTorch (one thread per process),
 * with 1 and 2 workers, on the same bytes of data, the same space, trials, epochs, TPE and median
 * pruner. Knobs: MAIN_JOB_QUICK=1 (4 trials of 2 epochs), MAIN_JOB_SEEDS=42,43 (study seeds),
 * MAIN_JOB_VARIANTS=default,batch-norm, MAIN_JOB_WORKERS=1,2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { prepareConfiguredData } from '../../src/cli/config/resolve';
import type { BenchResult } from '../result';
import { writeSplits } from './export-data';
import { FULL_JOB, QUICK_JOB, VARIANTS, jobConfig, recordedSpace, resolvedConfig, type Variant } from './job';
import { runOurs } from './run-ours';
import { pythonJob, runTheirs, theirsUnavailable } from './run-theirs';
import { commonThreshold, summarizeRun, timeToThreshold, variantRatios, type RunRecord } from './summary';

export interface MainJobOptions {
  readonly quick: boolean;
  readonly seeds: readonly number[];
  readonly variants: readonly Variant[];
  readonly workers: readonly number[];
  readonly log: (message: string) => void;
  /** Called with the table so far after each run (the bench saves it, so a run cut short leaves its rows). */
  readonly onProgress?: (partial: BenchResult) => void;
}

function list(env: NodeJS.ProcessEnv, name: string, fallback: string): string[] {
  return (env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The options the environment asks for; a bad value names the variable and what it allows. */
export function mainJobOptions(env: NodeJS.ProcessEnv, log: (m: string) => void): MainJobOptions {
  const ints = (name: string, fallback: string, min: number): number[] => {
    const xs = list(env, name, fallback).map(Number);
    if (xs.length === 0 || !xs.every((x) => Number.isInteger(x) && x >= min))
      throw new Error(`${name}: got "${env[name]}"; expected comma-separated integers >= ${min}`);
    return xs;
  };
  const variants = list(env, 'MAIN_JOB_VARIANTS', VARIANTS.join(','));
  const bad = variants.find((v) => !(VARIANTS as readonly string[]).includes(v));
  if (bad !== undefined) throw new Error(`MAIN_JOB_VARIANTS: got "${bad}"; expected some of ${VARIANTS.join(', ')}`);
  const quick = env['MAIN_JOB_QUICK'];
  if (quick !== undefined && quick !== '0' && quick !== '1')
    throw new Error(`MAIN_JOB_QUICK: got "${quick}"; expected 0 or 1`);
  return {
    quick: quick === '1',
    seeds: ints('MAIN_JOB_SEEDS', '42', 0),
    variants: variants as Variant[],
    workers: ints('MAIN_JOB_WORKERS', '1,2', 1),
    log,
  };
}

function rowOf(run: RunRecord, threshold: number | null): Record<string, string | number> {
  const s = summarizeRun(run);
  const reach = threshold === null ? null : timeToThreshold(run, threshold);
  return {
    variant: run.variant,
    side: run.side === 'ours' ? 'tfjs-tune (wasm)' : 'Optuna + PyTorch',
    workers: run.workers,
    seed: run.seed,
    'wall s': s.wallSeconds,
    trials: s.trials,
    completed: s.completed,
    pruned: s.pruned,
    'epochs trained': s.epochs,
    'ms / epoch': s.msPerEpoch,
    'best val_acc': s.best ?? '',
    'launch → first trial s': s.launchToFirstTrial ?? '',
    'threshold val_acc': threshold ?? '',
    's to threshold': reach ?? '',
  };
}

export async function mainJobBenchmark(options: MainJobOptions): Promise<BenchResult> {
  const size = options.quick ? QUICK_JOB : FULL_JOB;
  const missing = theirsUnavailable();
  if (missing !== undefined) options.log(`Optuna + PyTorch will not run: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-main-job-'));
  const runs: RunRecord[] = [];
  const machine = { started: new Date().toISOString(), cores: cpus().length, load: loadavg()[0] ?? Number.NaN };
  const planned =
    options.seeds.length * options.variants.length * options.workers.length * (missing === undefined ? 2 : 1);
  try {
    for (const seed of options.seeds) {
      for (const variant of options.variants) {
        const raw = jobConfig(variant, size, seed);
        const config = resolvedConfig(raw);
        const dataFile = join(dir, `data-${variant}-s${seed}.bin`);
        // What our trials train on (generated and preprocessed as `tfjs-tune run` does), byte for byte.
        writeSplits(dataFile, (await prepareConfiguredData(config.dataset, config.seed)).data);
        const job = pythonJob(config, recordedSpace(config));
        for (const workers of options.workers) {
          const meta = { variant, workers, seed };
          options.log(`ours ${variant}, ${workers} worker(s), seed ${seed}`);
          runs.push(await runOurs(raw, meta, dir));
          options.onProgress?.(resultOf(options, runs, missing, machine, planned));
          if (missing !== undefined) continue;
          options.log(`theirs ${variant}, ${workers} worker(s), seed ${seed}`);
          runs.push(await runTheirs(job, dataFile, size.trials, meta, dir));
          options.onProgress?.(resultOf(options, runs, missing, machine, planned));
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return resultOf(options, runs, missing, machine, null);
}

function resultOf(
  options: MainJobOptions,
  runs: readonly RunRecord[],
  missing: string | undefined,
  machine: { started: string; cores: number; load: number },
  planned: number | null,
): BenchResult {
  const loadNow = loadavg()[0] ?? Number.NaN;
  const shared = Math.max(machine.load, loadNow) > machine.cores;
  const size = options.quick ? QUICK_JOB : FULL_JOB;
  const rows = runs.map((run) =>
    rowOf(run, commonThreshold(runs.filter((r) => r.variant === run.variant && r.seed === run.seed))),
  );
  const ratios = Object.assign({}, ...options.variants.map((v) => variantRatios(runs, v))) as Record<string, number>;
  return {
    name: options.quick ? 'main-job-quick' : 'main-job',
    description: [
      `The README's main job (examples/cifar-cnn.yaml with method tpe: the zoo CNN on synthetic CIFAR-style`,
      `images, ${size.trials} trials of ${size.epochs} epochs, median pruning) and its batch-norm variant`,
      `(batch_norm true, 3 blocks), tfjs-tune run beside Optuna ${'3.1'} + PyTorch (one thread per process,`,
      `processes sharing a journal file, each its share of the trials) on the same bytes of data; seeds`,
      `${options.seeds.join(', ')}. ms / epoch: training and validation of one epoch. Threshold: the lowest`,
      `best val_acc of the runs of that variant and seed, so every run reaches it; s to threshold: from`,
      `launch to the first trial completing at or above it. Ratios are medians over seeds.`,
      `Started ${machine.started} on ${machine.cores} cores; 1-minute load average ${machine.load.toFixed(1)} at the`,
      `start and ${loadNow.toFixed(1)} when this table was written${shared ? ' (the cores were shared with other work)' : ''}.`,
      missing === undefined ? '' : `Optuna + PyTorch did not run here: ${missing}.`,
      planned === null ? '' : `Partial: ${runs.length} of ${planned} runs so far.`,
    ]
      .filter((l) => l !== '')
      .join(' '),
    rows,
    ratios,
  };
}

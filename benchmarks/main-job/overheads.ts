/**
 * `npm run bench -- main-job-overheads` (issue #20 item 3): what a trial of the main job spends
 * outside its epochs, as shares of a 6-epoch trial. In one process on wasm, as a worker thread
 * trains: a study in memory, the job's objective (`objectiveFor` with the config's space and a
 * checkpoint folder, as `tfjs-tune run` builds it), `trials` trials of `epochs` epochs unpruned.
 * Each trial's time outside its epochs is split into the model build, the data tensors and the
 * best-epoch checkpoint write (each timed again on its own), the rest being the study's
 * bookkeeping; "first kernel calls" is the first epoch's excess over the median of the others.
 * Also: `tfjs-tune --help` (loading the CLI) and launch to the first trial of `tfjs-tune run`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type * as tf from '@tensorflow/tfjs';
import { stringify } from 'yaml';

import { configuredModel, prepareConfiguredData } from '../../src/cli/config/resolve';
import { configuredSpace } from '../../src/cli/config/space';
import { RandomSampler } from '../../src/samplers/random';
import { SqliteStorage } from '../../src/storage/sqlite';
import { createStudy } from '../../src/study/create-study';
import { initBackend } from '../../src/training/backend';
import { saveCheckpoint } from '../../src/training/checkpoint/save-load';
import { disposeModel } from '../../src/training/dispose-model';
import { objectiveFor } from '../../src/training/objective-for';
import { buildContextFor, seededTensors } from '../../src/training/trial-tensors';
import { Rng } from '../../src/random/rng';
import { epochLogOf } from '../../src/trial/epoch-log';
import { silentLogger } from '../../src/util/logger';
import { median } from '../training/stats';
import type { BenchResult } from '../result';
import { FULL_JOB, jobConfig, resolvedConfig, type Variant } from './job';

function cliBin(): string {
  return resolve(__dirname, '..', '..', 'src', 'cli', 'bin.js');
}

function seconds(f: () => void): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

async function secondsAsync(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

/** Median wall seconds of `tfjs-tune --help` over `n` fresh processes. */
function helpSeconds(n: number): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, [cliBin(), '--help'], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`tfjs-tune --help exited ${res.status}: ${res.stderr.slice(-300)}`);
    xs.push((performance.now() - t0) / 1000);
  }
  return median(xs);
}

/** `tfjs-tune run` of one 1-epoch trial: launch to that trial's start (from the study), and the whole run. */
async function launchToFirstTrial(variant: Variant, dir: string): Promise<{ first: number; wall: number }> {
  const raw = jobConfig(variant, { trials: 1, epochs: 1 }, 42);
  const config = join(dir, `launch-${variant}.yaml`);
  const db = join(dir, `launch-${variant}.db`);
  writeFileSync(config, stringify(raw));
  const launch = Date.now();
  const res = spawnSync(
    process.execPath,
    [cliBin(), 'run', config, '--storage', `sqlite:${db}`, '--workers', '1', '--quiet'],
    {
      encoding: 'utf8',
    },
  );
  const wall = (Date.now() - launch) / 1000;
  if (res.status !== 0) throw new Error(`tfjs-tune run exited ${res.status}: ${res.stderr.slice(-300)}`);
  const storage = new SqliteStorage(db);
  try {
    const [trial] = await storage.getAllTrials(await storage.getStudyIdByName(String(raw['study'])));
    return { first: ((trial?.datetimeStart?.getTime() ?? Number.NaN) - launch) / 1000, wall };
  } finally {
    await storage.close();
  }
}

interface TrialCosts {
  readonly trial: number;
  readonly total: number;
  readonly epochs: readonly number[];
  readonly build: number;
  readonly tensors: number;
  readonly checkpoint: number;
}

async function trialCosts(variant: Variant, trials: number, epochs: number, dir: string): Promise<TrialCosts[]> {
  const config = resolvedConfig(jobConfig(variant, { trials, epochs }, 42));
  const data = (await prepareConfiguredData(config.dataset, config.seed)).data;
  const model = configuredModel(config, data);
  const objective = objectiveFor(model, data, {
    epochs,
    monitor: config.metric.name,
    space: configuredSpace(model, config),
    checkpointDir: join(dir, `ckpt-${variant}`),
  });
  const study = await createStudy({
    studyName: `overheads-${variant}`,
    direction: 'maximize',
    sampler: new RandomSampler({ seed: 42 }),
    seed: 42,
    logger: silentLogger,
  });
  await study.optimize(objective, { nTrials: trials });
  const out: TrialCosts[] = [];
  for (const t of study.trials) {
    // Each part again on its own, with this trial's parameters (the objective does not time them).
    let built: tf.LayersModel | null = null;
    const build = seconds(() => {
      built = model.build(t.params, buildContextFor(data, 1));
    });
    const tensors = seconds(() => seededTensors(data, new Rng(1)).dispose());
    const checkpoint = await secondsAsync(() =>
      saveCheckpoint(built as unknown as tf.LayersModel, join(dir, `again-${t.number}`)),
    );
    disposeModel(built as unknown as tf.LayersModel);
    const total = ((t.datetimeComplete?.getTime() ?? Number.NaN) - (t.datetimeStart?.getTime() ?? Number.NaN)) / 1000;
    out.push({
      trial: t.number,
      total,
      epochs: epochLogOf(t).map((e) => e.metrics['seconds'] ?? Number.NaN),
      build,
      tensors,
      checkpoint,
    });
  }
  return out;
}

function rowsOf(variant: Variant, costs: readonly TrialCosts[]): Record<string, string | number>[] {
  return costs.map((c) => {
    const epochTotal = c.epochs.reduce((a, b) => a + b, 0);
    const steady = median(c.epochs.slice(1));
    const firstCalls = Math.max(0, (c.epochs[0] ?? Number.NaN) - steady);
    const outside = c.total - epochTotal;
    const share = (s: number): string => `${((100 * s) / c.total).toFixed(2)}%`;
    return {
      variant,
      trial: c.trial,
      'trial s': c.total,
      'epochs s': epochTotal,
      'outside epochs': share(outside),
      'model build': share(c.build),
      'data tensors': share(c.tensors),
      'first kernel calls': share(firstCalls),
      'checkpoint write': share(c.checkpoint),
      'other (study, disposal)': share(Math.max(0, outside - c.build - c.tensors - c.checkpoint)),
    };
  });
}

export async function mainJobOverheads(options: {
  quick: boolean;
  variants: readonly Variant[];
  log: (m: string) => void;
}): Promise<BenchResult> {
  const trials = options.quick ? 2 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-overheads-'));
  try {
    const help = helpSeconds(3);
    const rows: Record<string, string | number>[] = [];
    const ratios: Record<string, number> = { 'tfjs-tune --help s': help };
    for (const variant of options.variants) {
      options.log(`launch to first trial, ${variant}`);
      const launch = await launchToFirstTrial(variant, dir);
      ratios[`${variant}: launch to first trial s`] = launch.first;
      await initBackend(); // as a trial worker does: the fastest backend that loads
      options.log(`${trials} trials of ${FULL_JOB.epochs} epochs in process, ${variant}`);
      const costs = await trialCosts(variant, trials, FULL_JOB.epochs, dir);
      rows.push(...rowsOf(variant, costs));
      const later = costs.slice(1);
      ratios[`${variant}: launch to first trial ÷ median later trial`] =
        launch.first / median(later.map((c) => c.total));
      ratios[`${variant}: checkpoint write ÷ trial (median)`] = median(costs.map((c) => c.checkpoint / c.total));
    }
    return {
      name: 'main-job-overheads',
      description: [
        `Per-trial overheads of the main job (#20 item 3), wasm, one process: ${trials} unpruned trials of`,
        `${FULL_JOB.epochs} epochs with the config's space (random sampler, seed 42). Shares are of each trial's`,
        `wall time (start to complete in the study). Model build, data tensors and checkpoint write are each`,
        `timed again on their own with that trial's parameters; first kernel calls: the first epoch's excess`,
        `over the median later epoch. Launch to first trial: tfjs-tune run (1 worker) from spawn to the`,
        `first trial's start in the study.`,
      ].join(' '),
      rows,
      ratios,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

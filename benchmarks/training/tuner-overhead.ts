/**
 * What training through the tuner costs on top of training: the same model (the zoo's mlp with its
 * defaults), data (tabular, 64 features, 4,000 train / 1,000 validation) and epochs, trained
 *   (a) bare: toTensors, build, `model.fit` with validation data, dispose;
 *   (b) `objectiveFor` inside `study.optimize` (in-memory storage, one trial of a fixed configuration);
 *   (c) `RandomSearch.search` with the same fixed configuration (one trial, checkpoint to a temp dir).
 * Each run is timed end to end (wall and process CPU time); the variants alternate in a rotating order,
 * two warm-up runs each, and overhead % = (median(b) − median(a)) / median(a). Goal (training issue):
 * at most 5 %.
 *
 *   node -r ./test/helpers/register-ts.js benchmarks/training/tuner-overhead.ts [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { syntheticTabular, toTensors, trainValTestSplit, type DatasetSplits } from '../../src/api/datasets';
import { mlp } from '../../src/api/models';
import { createStudy } from '../../src/study/create-study';
import { describeBackend, initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import type { BuildContext, Params, SuggestApi } from '../../src/training/hyper-model';
import { objectiveFor } from '../../src/training/objective-for';
import type { HyperParameters } from '../../src/tuners/hyperparameters';
import { RandomSearch } from '../../src/tuners/random-search';
import { silentLogger } from '../../src/util/logger';
import { type BenchResult, toMarkdown } from '../result';
import { median } from './stats';

export interface TunerOverheadOptions {
  /** 3 epochs and 3 repetitions instead of 5 and 7. */
  readonly quick?: boolean;
}

const CONTEXT: BuildContext = { inputShape: [64], numClasses: 2, seed: 1 };
const PARAM_NAMES = Object.keys(mlp.defaults).sort();
const BATCH_SIZE = mlp.defaults['batch_size'] as number;

/** The model's defaults, each suggested as a one-choice categorical (so the trial records them). */
function fixedSpace(api: SuggestApi): Params {
  return Object.fromEntries(
    PARAM_NAMES.map((name) => [name, api.suggestCategorical(name, [mlp.defaults[name] ?? null])]),
  );
}

function fixedHp(hp: HyperParameters): Params {
  return Object.fromEntries(PARAM_NAMES.map((name) => [name, hp.Fixed(name, mlp.defaults[name] ?? null)]));
}

type Variant = (data: DatasetSplits, epochs: number) => Promise<void>;

const bare: Variant = async (data, epochs) => {
  const train = toTensors(data.train, { oneHot: true });
  const val = toTensors(data.val, { oneHot: true });
  const model = mlp.build(mlp.defaults, CONTEXT);
  try {
    await model.fit(train.xs, train.ys, {
      epochs,
      batchSize: BATCH_SIZE,
      validationData: [val.xs, val.ys],
      shuffle: false,
      verbose: 0,
    });
  } finally {
    disposeModel(model);
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
  }
};

const throughStudy: Variant = async (data, epochs) => {
  const objective = objectiveFor(mlp, data, { epochs, space: fixedSpace });
  const study = await createStudy({ direction: objective.direction, storage: 'memory', seed: 0, logger: silentLogger });
  await study.optimize(objective, { nTrials: 1 });
  const [trial] = study.getTrials();
  if (trial?.state !== 'COMPLETE') throw new Error(`objectiveFor trial ended ${trial?.state ?? 'missing'}`);
};

function throughRandomSearch(directory: string): Variant {
  let run = 0;
  return async (data, epochs) => {
    const tuner = new RandomSearch((hp) => mlp.build(fixedHp(hp), CONTEXT), {
      objective: 'val_acc',
      maxTrials: 1,
      seed: 0,
      directory,
      studyName: `overhead-${run++}`,
    });
    const train = toTensors(data.train, { oneHot: true });
    const val = toTensors(data.val, { oneHot: true });
    try {
      await tuner.search(train.xs, train.ys, { epochs, batchSize: BATCH_SIZE, validationData: [val.xs, val.ys] });
    } finally {
      tf.dispose([train.xs, train.ys, val.xs, val.ys]);
    }
    const [trial] = (await tuner.study()).getTrials();
    if (trial?.state !== 'COMPLETE') throw new Error(`RandomSearch trial ended ${trial?.state ?? 'missing'}`);
  };
}

export async function tunerOverhead(options: TunerOverheadOptions = {}): Promise<BenchResult> {
  const quick = options.quick === true;
  const epochs = quick ? 3 : 5;
  const reps = quick ? 3 : 7;
  const backend = describeBackend(await initBackend());
  const data = trainValTestSplit(
    syntheticTabular({ nTrain: 5000, nVal: 0, nFeatures: 64, nInformative: 16, seed: 0 }).train,
    {
      valFraction: 0.2,
      seed: 0,
    },
  );
  const directory = mkdtempSync(join(tmpdir(), 'tfjs-tune-overhead-'));
  const variants: readonly [string, Variant][] = [
    ['(a) bare model.fit', bare],
    ['(b) objectiveFor in study.optimize', throughStudy],
    ['(c) RandomSearch.search', throughRandomSearch(directory)],
  ];
  const wall = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const tensorsBefore = tf.memory().numTensors;
  try {
    for (let i = 0; i < 2; i++) for (const [, run] of variants) await run(data, epochs); // warm-up: kernels, V8
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < variants.length; k++) {
        const [name, run] = variants[(rep + k) % variants.length] as [string, Variant];
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        await run(data, epochs);
        const used = process.cpuUsage(cpuStart);
        wall.get(name)?.push(performance.now() - start);
        cpu.get(name)?.push((used.user + used.system) / 1000);
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const [baseName] = variants[0] ?? [''];
  const baseWall = median(wall.get(baseName) ?? []);
  const baseCpu = median(cpu.get(baseName) ?? []);
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  for (const [name] of variants) {
    const w = wall.get(name) ?? [];
    const c = cpu.get(name) ?? [];
    const overhead = (100 * (median(w) - baseWall)) / baseWall;
    const cpuOverhead = (100 * (median(c) - baseCpu)) / baseCpu;
    rows.push({
      path: name,
      medianMs: median(w),
      minMs: Math.min(...w),
      maxMs: Math.max(...w),
      overheadPercent: overhead,
      medianCpuMs: median(c),
      cpuOverheadPercent: cpuOverhead,
      goalPercent: name === baseName ? '' : 5,
    });
    if (name !== baseName) {
      ratios[`${name}: overhead % (wall)`] = overhead;
      ratios[`${name}: overhead % (process CPU time)`] = cpuOverhead;
    }
  }
  return {
    name: 'tuner-overhead',
    description:
      `mlp defaults (batch ${BATCH_SIZE}) on tabular 64 features, 4000 train / 1000 val, ${epochs} epochs, ` +
      `${reps} timed runs per path after two warm-up runs each, rotating order; backend ${backend}. Wall time, and ` +
      `this process's CPU time (user + system, all threads), which other jobs on a shared machine disturb less. ` +
      `Tensors leaked over all runs: ${tf.memory().numTensors - tensorsBefore}.`,
    rows,
    ratios,
  };
}

if (require.main === module) {
  tunerOverhead({ quick: process.argv.includes('--quick') })
    .then((result) => process.stdout.write(`${toMarkdown(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

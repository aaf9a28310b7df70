/**
 * PBT with real training: the zoo's CNN on synthetic CIFAR, learning rate and (decoupled) weight
 * decay mutable, a population of 8, against random search over fixed values and ASHA with
 * promotions, all given the same total epochs and the same space, over several seeds.
 *
 * Set up as a Ray Tune user would set up PBT: 32 epochs a member, ready every 4, Ray's defaults
 * (quantile 0.25, resample 0.25, factors 1.2 / 0.8). Members run synchronously by default: this
 * process trains them one after another, and asynchronously the member ready first at a step has no
 * other there to be compared with, where Ray's trials run side by side and all compare
 * (`synch: false` runs the asynchronous variant).
 *
 * Random search and PBT train through the same zoo member (one seeded data order for all, each
 * configuration its own initialisation), so they differ only in what PBT does between intervals.
 * ASHA is the public tuner (checkpoint-resuming promotions), run until the epoch budget is spent.
 * Reported per seed: the best val_acc of a model trained to the full epochs; the configurations each
 * method tried; for PBT its exploits, how many recipients ended above their donor, and the gap
 * between its best member and a fresh model replaying that member's schedule.
 *
 * PBT runs twice per seed, from the same starts: with Ray's `burn_in_period` default of 0, and with a
 * burn-in (default a quarter of the epochs). Truncation selection at the first ready points culls
 * configurations that start slowly and end best (measured on seed 0: the starting configuration that
 * reaches 0.942 at 32 epochs stands at 0.285 after 8, in the bottom quarter, and is overwritten);
 * the burn-in row shows what that costs.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { shuffleDataset } from '../../datasets/dataset-ops';
import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { toTensors } from '../../datasets/to-tensors';
import type { DatasetSplits } from '../../datasets/types';
import { cnn } from '../../models/cnn';
import { Rng } from '../../src/random/rng';
import { runPBT } from '../../src/schedulers/pbt/run-pbt';
import { replaySchedule } from '../../src/schedulers/pbt/replay';
import { zooMember } from '../../src/schedulers/pbt/zoo-member';
import { FloatDistribution, type Distribution } from '../../src/space/distributions';
import { sampleUniform } from '../../src/space/sample-uniform';
import { initBackend } from '../../src/training/backend';
import { slotOf } from '../../src/trial/hyperband-slot';
import { ASHA } from '../../src/tuners/asha';
import type { HyperParameters } from '../../src/tuners/hyperparameters';
import type { BenchResult } from '../result';
import { median } from '../training/stats';

export interface PBTRealTrainingOptions {
  readonly seeds?: readonly number[];
  readonly populationSize?: number;
  /** Epochs each PBT member (and each random-search configuration) trains. Default 32. */
  readonly epochs?: number;
  /** PBT's ready interval, in epochs. Default 4. */
  readonly perturbationInterval?: number;
  /** PBT's synchronous rounds (default true, see above). */
  readonly synch?: boolean;
  /** The second PBT row's `burnInPeriod`, in epochs. Default a quarter of `epochs`. */
  readonly burnInPeriod?: number;
  readonly log?: (message: string) => void;
}

type Settings = Required<Omit<PBTRealTrainingOptions, 'seeds' | 'log'>>;

const LR = { low: 1e-4, high: 3e-2 };
const WD = { low: 1e-4, high: 0.3 };
const MUTATIONS: Readonly<Record<string, Distribution>> = {
  learning_rate: new FloatDistribution(LR.low, LR.high, true),
  weight_decay: new FloatDistribution(WD.low, WD.high, true),
};

function makeData(seed: number): DatasetSplits {
  // As the multi-fidelity real-training benchmark: ~1 s an epoch on one wasm thread, 800
  // validation images so that val_acc's noise (sd ~1.7 points) is small beside the differences.
  return syntheticCifar({ nTrain: 1200, nVal: 800, classes: 4, imageSize: 16, seed });
}

const memberSeed = (seed: number, id: number): number => seed * 1000 + id + 1;

/** PBT over the zoo member; returns the best final val_acc, what it tried, and the replay of its schedule. */
async function runPopulation(data: DatasetSplits, seed: number, o: Settings, burnInPeriod: number) {
  let trained = 0;
  const starts = startingConfigurations(seed, o.populationSize);
  const result = await runPBT({
    populationSize: o.populationSize,
    perturbationInterval: o.perturbationInterval,
    totalSteps: o.epochs,
    burnInPeriod,
    synch: o.synch,
    hyperparamMutations: MUTATIONS,
    // The same starting points as random search: PBT's gain is what it does between intervals.
    initialParams: (id) => starts[id] as Record<string, number>,
    seed,
    createMember: (id, params) => {
      const member = zooMember({ hyperModel: cnn, data, params, seed: memberSeed(seed, id), dataSeed: seed });
      // Epochs actually trained (each member exactly its budget, since no recipient goes back).
      const train = member.train.bind(member);
      member.train = async (p, from, to) => {
        trained += to - from;
        await train(p, from, to);
      };
      return member;
    },
  });
  const best = result.best;
  const schedule = result.schedule(best.id);
  const root = result.root(best.id);
  result.live.forEach((m) => m.dispose?.());
  const fresh = zooMember({
    hyperModel: cnn,
    data,
    params: schedule[0]?.params ?? {},
    seed: memberSeed(seed, root),
    dataSeed: seed,
  });
  const replayed = await replaySchedule(fresh, schedule, o.epochs, o.perturbationInterval);
  fresh.dispose();
  const final = result.members.map((m) => m.score);
  const configs = new Set([...starts, ...result.lineage.map((e) => e.paramsAfter)].map((p) => JSON.stringify(p))).size;
  // A greedy exploit pays off when the copy, explored, ends above the member it copied.
  const passed = result.lineage.filter((e) => (final[e.recipient] as number) > (final[e.donor] as number)).length;
  return { best: best.score, replayed, exploits: result.lineage.length, passed, configs, trained };
}

/** The `n` starting configurations of a seed: random search trains them as they are, PBT starts from them. */
function startingConfigurations(seed: number, n: number): Record<string, number>[] {
  const rng = new Rng(seed).derive('random-search');
  return Array.from({ length: n }, () => {
    const params: Record<string, number> = {};
    for (const name of Object.keys(MUTATIONS).sort())
      params[name] = sampleUniform(MUTATIONS[name] as Distribution, rng) as number;
    return params;
  });
}

/** Random search over fixed values: `n` configurations, each trained for `epochs`. */
async function runRandom(data: DatasetSplits, seed: number, n: number, epochs: number): Promise<number> {
  let best = -Infinity;
  for (const [id, params] of startingConfigurations(seed, n).entries()) {
    const member = zooMember({ hyperModel: cnn, data, params, seed: memberSeed(seed, id), dataSeed: seed });
    await member.train(params, 0, epochs);
    best = Math.max(best, await member.evaluate());
    member.dispose();
  }
  return best;
}

/** The ASHA tuner (promotions, checkpoint-resuming) over the same space until `budget` epochs are spent. */
async function runASHATuner(
  data: DatasetSplits,
  seed: number,
  epochs: number,
  budget: number,
): Promise<{ best: number; epochs: number; configs: number }> {
  const build = (hp: HyperParameters): tf.LayersModel => {
    const params = {
      ...cnn.defaults,
      learning_rate: hp.Float('learning_rate', LR.low, LR.high, { sampling: 'log' }),
      weight_decay: hp.Float('weight_decay', WD.low, WD.high, { sampling: 'log' }),
    };
    return cnn.build(params, { inputShape: data.train.xShape.slice(1), numClasses: data.train.numClasses, seed });
  };
  const train = toTensors(shuffleDataset(data.train, new Rng(seed).derive('data-order')), { oneHot: true });
  const val = toTensors(data.val, { oneHot: true });
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pbt-asha-'));
  const tuner = new ASHA(build, {
    objective: 'val_acc',
    maxEpochs: epochs,
    factor: 2,
    seed,
    directory: dir,
    studyName: 'asha',
    maxTrials: 1000,
  });
  const study = await tuner.study();
  let spent = 0;
  const counter = new (class extends tf.Callback {
    override async onEpochEnd(): Promise<void> {
      if (++spent >= budget) study.stop();
    }
  })();
  try {
    await tuner.search(train.xs, train.ys, {
      validationData: [val.xs, val.ys],
      callbacks: [counter],
      batchSize: Number(cnn.defaults.batch_size),
    });
  } finally {
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
    rmSync(dir, { recursive: true, force: true });
  }
  let best = -Infinity;
  for (const t of study.getTrials({ states: ['COMPLETE'] })) {
    if (slotOf(t)?.epochs === epochs && typeof t.value === 'number') best = Math.max(best, t.value);
  }
  // A promotion is a trial of its own that continues its parent: only fresh starts are new configurations.
  const configs = study.trials.filter((t) => slotOf(t)?.parent === null).length;
  return { best, epochs: spent, configs };
}

/** One seed's figures, kept as a file so that seeds run as separate processes merge into one table. */
export interface PBTRealSeed {
  readonly seed: number;
  readonly backend: string;
  readonly settings: Settings;
  readonly pbt: Awaited<ReturnType<typeof runPopulation>>;
  /** PBT with `settings.burnInPeriod`. */
  readonly pbtBurnIn: Awaited<ReturnType<typeof runPopulation>>;
  readonly random: number;
  readonly asha: Awaited<ReturnType<typeof runASHATuner>>;
  readonly seconds: {
    readonly pbt: number;
    readonly pbtBurnIn: number;
    readonly random: number;
    readonly asha: number;
  };
}

/** Where each seed's figures are kept (`npm run bench -- pbt-real-training-all-seeds` merges them). */
export const PBT_REAL_SEEDS_DIR = join('benchmarks', 'results', 'pbt-real-training-seeds');

export async function pbtRealTrainingBenchmark(options: PBTRealTrainingOptions = {}): Promise<BenchResult> {
  const seeds = options.seeds ?? [0, 1, 2];
  const o: Settings = {
    populationSize: options.populationSize ?? 8,
    epochs: options.epochs ?? 32,
    perturbationInterval: options.perturbationInterval ?? 4,
    synch: options.synch ?? true,
    burnInPeriod: options.burnInPeriod ?? Math.floor((options.epochs ?? 32) / 4),
  };
  const log = options.log ?? (() => undefined);
  const backend = await initBackend();
  const budget = o.populationSize * o.epochs;
  const perSeed: PBTRealSeed[] = [];
  for (const seed of seeds) {
    const data = makeData(seed);
    const baseline = tf.memory().numTensors;
    const t0 = Date.now();
    const pbt = await runPopulation(data, seed, o, 0);
    const tb = Date.now();
    const pbtBurnIn = await runPopulation(data, seed, o, o.burnInPeriod);
    const t1 = Date.now();
    const random = await runRandom(data, seed, o.populationSize, o.epochs);
    const t2 = Date.now();
    const asha = await runASHATuner(data, seed, o.epochs, budget);
    const t3 = Date.now();
    if (tf.memory().numTensors !== baseline) throw new Error(`tensors leaked: ${tf.memory().numTensors - baseline}`);
    const seconds = {
      pbt: (tb - t0) / 1000,
      pbtBurnIn: (t1 - tb) / 1000,
      random: (t2 - t1) / 1000,
      asha: (t3 - t2) / 1000,
    };
    log(
      `seed ${seed}: PBT ${pbt.best.toFixed(3)} (replay ${pbt.replayed.toFixed(3)}, ${pbt.configs} configs, ` +
        `${pbt.exploits} exploits, ${pbt.passed} passed their donor, ${pbt.trained} epochs, ${seconds.pbt.toFixed(0)} s), ` +
        `PBT burn-in ${o.burnInPeriod} ${pbtBurnIn.best.toFixed(3)} (replay ${pbtBurnIn.replayed.toFixed(3)}, ${pbtBurnIn.exploits} exploits), ` +
        `random ${random.toFixed(3)} (${seconds.random.toFixed(0)} s), ASHA ${asha.best.toFixed(3)} (${asha.configs} configs, ` +
        `${asha.epochs} epochs, ${seconds.asha.toFixed(0)} s)`,
    );
    const record: PBTRealSeed = { seed, backend: backend.name, settings: o, pbt, pbtBurnIn, random, asha, seconds };
    mkdirSync(PBT_REAL_SEEDS_DIR, { recursive: true });
    writeFileSync(join(PBT_REAL_SEEDS_DIR, `seed-${seed}.json`), `${JSON.stringify(record, null, 2)}\n`);
    perSeed.push(record);
  }
  return pbtRealTable(perSeed);
}

/** The table over the seed files in `dir` (all run with the same settings). */
export function mergePBTRealTraining(dir = PBT_REAL_SEEDS_DIR): BenchResult {
  const records = readdirSync(dir)
    .filter((f) => /^seed-\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PBTRealSeed)
    .sort((a, b) => a.seed - b.seed);
  if (records.length === 0) throw new Error(`no seed-*.json in ${dir}: run the pbt-real-training benchmark first`);
  const settings = JSON.stringify(records[0]?.settings);
  const mixed = records.find((r) => JSON.stringify(r.settings) !== settings);
  if (mixed !== undefined)
    throw new Error(`${dir}: seed ${mixed.seed} ran with ${JSON.stringify(mixed.settings)}, others with ${settings}`);
  return pbtRealTable(records);
}

function pbtRealTable(perSeed: readonly PBTRealSeed[]): BenchResult {
  const first = perSeed[0];
  if (first === undefined) throw new Error('pbt-real-training: no seeds');
  const o = first.settings;
  const budget = o.populationSize * o.epochs;
  const col = <T>(f: (r: PBTRealSeed) => T) => perSeed.map(f);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' / ');
  const slash = (xs: (number | string)[]) => xs.join(' / ');
  const replayGap = col((r) =>
    Math.max(Math.abs(r.pbt.replayed - r.pbt.best), Math.abs(r.pbtBurnIn.replayed - r.pbtBurnIn.best)),
  );
  const pbtRow = (method: string, of: (r: PBTRealSeed) => PBTRealSeed['pbt']) => ({
    method,
    epochs: slash(col((r) => of(r).trained)),
    configs: slash(col((r) => of(r).configs)),
    'exploits (recipient ended above donor)': slash(col((r) => `${of(r).exploits} (${of(r).passed})`)),
    bestFinalValAccBySeed: fmt(col((r) => of(r).best)),
    median: median(col((r) => of(r).best)),
  });
  const replayRow = (method: string, of: (r: PBTRealSeed) => PBTRealSeed['pbt']) => ({
    method,
    epochs: o.epochs,
    configs: '-',
    'exploits (recipient ended above donor)': '-',
    bestFinalValAccBySeed: fmt(col((r) => of(r).replayed)),
    median: median(col((r) => of(r).replayed)),
  });
  const rows = [
    pbtRow('pbt', (r) => r.pbt),
    pbtRow(`pbt-burn-in-${o.burnInPeriod}`, (r) => r.pbtBurnIn),
    {
      method: 'random-search',
      epochs: budget,
      configs: o.populationSize,
      'exploits (recipient ended above donor)': '-',
      bestFinalValAccBySeed: fmt(col((r) => r.random)),
      median: median(col((r) => r.random)),
    },
    {
      method: 'asha-tuner',
      epochs: slash(col((r) => r.asha.epochs)),
      configs: slash(col((r) => r.asha.configs)),
      'exploits (recipient ended above donor)': '-',
      bestFinalValAccBySeed: fmt(col((r) => r.asha.best)),
      median: median(col((r) => r.asha.best)),
    },
    replayRow('pbt-replay', (r) => r.pbt),
    replayRow(`pbt-burn-in-${o.burnInPeriod}-replay`, (r) => r.pbtBurnIn),
  ];
  const exploits = col((r) => r.pbt.exploits).reduce((a, b) => a + b, 0);
  const passed = col((r) => r.pbt.passed).reduce((a, b) => a + b, 0);
  const beatsBoth = (of: (r: PBTRealSeed) => PBTRealSeed['pbt']) =>
    perSeed.filter((r) => of(r).best > r.random && of(r).best > r.asha.best).length;
  return {
    name: 'pbt-real-training',
    description:
      `Real training on ${first.backend}: the zoo cnn on synthetic CIFAR (16 px, 4 classes, 1200/800 images), learning rate ` +
      `[${LR.low}, ${LR.high}] and weight decay [${WD.low}, ${WD.high}] (log, decoupled) searched; PBT population ${o.populationSize}, ` +
      `${o.epochs} epochs a member, ready every ${o.perturbationInterval}, ${o.synch ? 'synchronous' : 'asynchronous'}, Ray Tune's defaults ` +
      `(pbt: burn-in 0; pbt-burn-in-${o.burnInPeriod}: no exploit before epoch ${o.burnInPeriod}, from the same starts); ` +
      `random search over PBT's ${o.populationSize} starting configurations, fixed, for ${o.epochs} epochs; the ASHA tuner ` +
      `(factor 2, promotions) until ${budget} epochs are spent. Seeds ${col((r) => r.seed).join(', ')}; best val_acc of a model trained ` +
      `to ${o.epochs} epochs. configs: distinct configurations trained (PBT: its starts and every explored one). ` +
      `*-replay: a fresh model trained on the best member's schedule.`,
    rows,
    ratios: {
      'pbt-minus-random-median': median(col((r) => r.pbt.best - r.random)),
      'pbt-minus-asha-median': median(col((r) => r.pbt.best - r.asha.best)),
      'pbt-beats-both-seeds': beatsBoth((r) => r.pbt),
      'pbt-burn-in-minus-random-median': median(col((r) => r.pbtBurnIn.best - r.random)),
      'pbt-burn-in-minus-asha-median': median(col((r) => r.pbtBurnIn.best - r.asha.best)),
      'pbt-burn-in-beats-both-seeds': beatsBoth((r) => r.pbtBurnIn),
      'replay-gap-max': Math.max(...replayGap),
      'exploit-recipients-ending-above-donor-share': exploits === 0 ? 0 : passed / exploits,
    },
  };
}

/**
 * `npm run bench [name...]`: runs the benchmarks (all, or those named), prints each table and writes
 * it to benchmarks/results. Speed goals live here as ratios, never as timed assertions in tests.
 */
import { askTellOverhead } from './ask-tell-overhead';
import { HARD_CURVES, surrogateBenchmark } from './multifidelity/surrogate';
import { mergeRealTraining } from './multifidelity/merge-real';
import { realTrainingBenchmark } from './multifidelity/real-training';
import { samplerBenchmark } from './samplers/run-samplers';
import { tpeSeedsBenchmark } from './samplers/tpe-seeds';
import { multiObjectiveBenchmark } from './multi-objective/run-multi-objective';
import { workerScaling } from './workers';
import { gpScaling } from './gp-scaling';
import { gpSideBySide } from './gp/gp-side-by-side';
import { trainingThroughput } from './training/throughput';
import { tunerOverhead } from './training/tuner-overhead';
import { trainingStepProfile } from './training/step-profile';
import { trainingStepLayers } from './training/step-layers';
import { exploitCostBenchmark } from './pbt/exploit-cost';
import { pbtLrScheduleBenchmark, pbtToyBenchmark } from './pbt/pbt-benchmarks';
import { optunaInterop } from './interop/optuna-interop';
import { reportRender } from './report/report-render';
import { importanceBenchmark } from './importance/importance-bench';
import { mergePBTRealTraining, pbtRealTrainingBenchmark } from './pbt/real-training';
import { pb2LrScheduleBenchmark } from './pbt/pb2-benchmark';
import { autoEnsembleBenchmark } from './training/auto-ensemble';
import { storageLoad } from './storage/storage-load';
import { saveResult, toMarkdown, type BenchResult } from './result';
import { tabularBenchmark } from './tabular/tabular';
import { dartsBenchmark } from './darts/darts-bench';
import { dartsSupernetStep } from './darts/supernet-step';
import { mainJobBenchmark, mainJobOptions } from './main-job/main-job';
import { mainJobOverheads } from './main-job/overheads';

const BENCHMARKS: Readonly<Record<string, () => Promise<BenchResult>>> = {
  'ask-tell-overhead': askTellOverhead,
  'multifidelity-surrogate': () => surrogateBenchmark(),
  'multifidelity-surrogate-hard': () => surrogateBenchmark({ curves: HARD_CURVES }),
  // The same with 100 seeds: a median over 20 moves by whole brackets between runs of seeds.
  'multifidelity-surrogate-100-seeds': () => surrogateBenchmark({ seeds: 100 }),
  // One case each, so the two can run side by side (each trains on one wasm thread); MF_SEEDS=3,4
  // runs other seeds (one process per seed spreads a case over the cores).
  'multifidelity-real-cnn': () => realTrainingBenchmark({ cases: ['cnn'], ...realTrainingFlags() }),
  'multifidelity-real-lstm': () => realTrainingBenchmark({ cases: ['lstm'], ...realTrainingFlags() }),
  // Reads the results above (all seed sets) and writes one table per case over all their seeds.
  'multifidelity-real-cnn-all-seeds': () => Promise.resolve(mergeRealTraining('cnn')),
  'multifidelity-real-lstm-all-seeds': () => Promise.resolve(mergeRealTraining('lstm')),
  // OPTUNA_CURRENT=checkout adds current Optuna's TPE and GPSampler (OPTUNA_CURRENT_COMMIT names it,
  // OPTUNA_CURRENT_GP_SEEDS=n runs its slow GP on fewer seeds, OPTUNA_CURRENT_GP_TIMED=n times it over n trials); SAMPLERS_SEEDS=n, SAMPLERS=tpe,gp,
  // SAMPLERS_GP_SEEDS=n runs our GP (and the auto sampler, the GP on numerical spaces) on the first n seeds;
  // SAMPLERS_ANCHOR_CACHE=dir keeps the Python anchors' outputs and reads them back.
  samplers: () => samplerBenchmark(samplerFlags()),
  // Our TPE beside current Optuna's on one problem over many seeds (TPE_SEEDS_PROBLEM, TPE_SEEDS,
  // TPE_SEEDS_FRESH; OPTUNA_CURRENT required).
  'tpe-seeds': () => tpeSeedsBenchmark(tpeSeedsFlags()),
  'multi-objective': () => multiObjectiveBenchmark(),
  'worker-scaling': () => workerScaling(),
  'gp-scaling': gpScaling,
  // Ours and current Optuna's GPSampler on a few problems (GP_SIDE_PROBLEMS, GP_SIDE_SEEDS, OPTUNA_CURRENT).
  'gp-side-by-side': gpSideBySide,
  'training-throughput': () => trainingThroughput(),
  'tuner-overhead': () => tunerOverhead(),
  'training-step-profile': () => trainingStepProfile(),
  'training-step-layers': () => trainingStepLayers(),
  'pbt-toy': () => pbtToyBenchmark(),
  'pbt-lr-schedule': () => pbtLrScheduleBenchmark(),
  'pbt-exploit-cost': () => exploitCostBenchmark(),
  'report-render': reportRender,
  importance: importanceBenchmark,
  'optuna-interop': optunaInterop,
  // MF_SEEDS=0,1,2; PBT_REAL_EPOCHS, PBT_REAL_INTERVAL, PBT_REAL_POPULATION size it (32, 4, 8);
  // PBT_REAL_SYNCH=false runs asynchronous PBT; PBT_REAL_BURN_IN the second PBT row's burn-in (epochs / 4).
  'pbt-real-training': () => pbtRealTrainingBenchmark({ ...realTrainingFlags(), ...pbtRealFlags() }),
  // One table over every seed kept in benchmarks/results/pbt-real-training-seeds (seeds run as separate processes).
  'pbt-real-training-all-seeds': () => Promise.resolve(mergePBTRealTraining()),
  'pb2-lr-schedule': () => pb2LrScheduleBenchmark(),
  'auto-ensemble-tabular': () => autoEnsembleBenchmark('tabular'),
  'auto-ensemble-cifar': () => autoEnsembleBenchmark('cifar'),
  'storage-load': storageLoad,
  // The README's main job beside Optuna + PyTorch (#20); MAIN_JOB_QUICK=1, MAIN_JOB_SEEDS, MAIN_JOB_VARIANTS,
  // MAIN_JOB_WORKERS size it (main-job.ts).
  // Saves its table after every run, so a run cut short leaves the rows it has.
  'main-job': () =>
    mainJobBenchmark({
      ...mainJobOptions(process.env, (m) => process.stderr.write(`main-job: ${m}\n`)),
      onProgress: saveResult,
    }),
  // Its per-trial overheads as shares of a trial (#20 item 3); the same MAIN_JOB_QUICK / MAIN_JOB_VARIANTS.
  'main-job-overheads': () => {
    const o = mainJobOptions(process.env, (m) => process.stderr.write(`main-job-overheads: ${m}\n`));
    return mainJobOverheads(o);
  },
  // DARTS_BENCH_SEEDS, DARTS_BENCH_RANDOM, DARTS_BENCH_N, DARTS_BENCH_EPOCHS size it.
  darts: () => dartsBenchmark((m) => process.stderr.write(`darts: ${m}\n`)),
  // The supernet's training step beside a PyTorch supernet of the same shape (#21 item 6).
  'darts-supernet-step': () => dartsSupernetStep(),
  // Ten splits by default; TABULAR_SEEDS=0,1,2 for others.
  tabular: () =>
    tabularBenchmark({
      ...(process.env['TABULAR_SEEDS'] !== undefined
        ? { seeds: process.env['TABULAR_SEEDS'].split(',').map(Number) }
        : {}),
      log: (m) => process.stderr.write(`tabular: ${m}\n`),
    }),
};

function samplerFlags(): Parameters<typeof samplerBenchmark>[0] {
  const env = process.env;
  const count = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: got "${v}"; expected an integer >= 1`);
    return n;
  };
  const seeds = count('SAMPLERS_SEEDS');
  const gpSeeds = count('OPTUNA_CURRENT_GP_SEEDS');
  const gpTimed = count('OPTUNA_CURRENT_GP_TIMED');
  const oursGp = count('SAMPLERS_GP_SEEDS');
  return {
    ...(seeds !== undefined ? { seeds } : {}),
    ...(env['SAMPLERS'] !== undefined ? { samplers: env['SAMPLERS'].split(',') } : {}),
    ...(env['OPTUNA_CURRENT'] !== undefined ? { optunaCurrent: env['OPTUNA_CURRENT'] } : {}),
    ...(env['OPTUNA_CURRENT_COMMIT'] !== undefined ? { optunaCurrentCommit: env['OPTUNA_CURRENT_COMMIT'] } : {}),
    ...(gpSeeds !== undefined ? { optunaCurrentGpSeeds: gpSeeds } : {}),
    ...(gpTimed !== undefined ? { optunaCurrentGpTimedTrials: gpTimed } : {}),
    ...(oursGp !== undefined ? { gpSeeds: oursGp } : {}),
    ...(env['SAMPLERS_ANCHOR_CACHE'] !== undefined ? { anchorCache: env['SAMPLERS_ANCHOR_CACHE'] } : {}),
  };
}

function tpeSeedsFlags(): Parameters<typeof tpeSeedsBenchmark>[0] {
  const env = process.env;
  const checkout = env['OPTUNA_CURRENT'];
  if (checkout === undefined || checkout === '')
    throw new Error('tpe-seeds: set OPTUNA_CURRENT to a checkout of current Optuna (../shared/optuna-current.md)');
  const int = (name: string, fallback: number, min: number): number => {
    const v = env[name];
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name}: got "${v}"; expected an integer >= ${min}`);
    return n;
  };
  return {
    problem: env['TPE_SEEDS_PROBLEM'] ?? 'hartmann-6d',
    seeds: int('TPE_SEEDS', 150, 3),
    fresh: int('TPE_SEEDS_FRESH', 20, 0),
    optunaCurrent: checkout,
  };
}

function realTrainingFlags(): { seeds?: number[]; log: (message: string) => void } {
  const seeds = process.env['MF_SEEDS'];
  const parsed = seeds === undefined ? undefined : seeds.split(',').map(Number);
  if (parsed !== undefined && !parsed.every((s) => Number.isInteger(s) && s >= 0))
    throw new Error(`MF_SEEDS: got "${seeds}"; expected comma-separated integers >= 0`);
  return {
    ...(parsed !== undefined ? { seeds: parsed } : {}),
    log: (m) => process.stderr.write(`multifidelity-real: ${m}\n`),
  };
}

function pbtRealFlags(): {
  epochs?: number;
  perturbationInterval?: number;
  populationSize?: number;
  synch?: boolean;
  burnInPeriod?: number;
} {
  const env = process.env;
  const count = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`${name}: got "${v}"; expected a positive integer`);
    return n;
  };
  const synch = env['PBT_REAL_SYNCH'];
  if (synch !== undefined && synch !== 'true' && synch !== 'false')
    throw new Error(`PBT_REAL_SYNCH: got "${synch}"; expected true or false`);
  const epochs = count('PBT_REAL_EPOCHS');
  const perturbationInterval = count('PBT_REAL_INTERVAL');
  const populationSize = count('PBT_REAL_POPULATION');
  const burnInPeriod = count('PBT_REAL_BURN_IN');
  return {
    ...(burnInPeriod !== undefined ? { burnInPeriod } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(perturbationInterval !== undefined ? { perturbationInterval } : {}),
    ...(populationSize !== undefined ? { populationSize } : {}),
    ...(synch !== undefined ? { synch: synch === 'true' } : {}),
  };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const name of wanted) {
    if (!(name in BENCHMARKS))
      throw new Error(`unknown benchmark "${name}"; expected one of ${Object.keys(BENCHMARKS).join(', ')}`);
  }
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const result = await run();
    saveResult(result);
    process.stdout.write(`${toMarkdown(result)}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

/**
 * Sampler quality and overhead: regret (best-so-far minus the known optimum) after 25, 50 and 100
 * trials, median and quartiles over seeds, on the problems of ./problems; and the time each
 * sampler itself spends per trial at 100, 300 and 1,000 trials (its calls timed directly, so the
 * storage and the objective are left out). When `/usr/bin/python3` has Optuna, its TPE, CMA-ES and
 * random samplers run on the same problems and seeds (./optuna_anchor.py) and the ratios say how
 * ours compare. Goal (model-based search issue): TPE's time per trial at 1,000 trials at most a
 * fifth of Optuna's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { createStudy } from '../../src';
import { silentLogger } from '../../src/util/logger';
import type { Sampler } from '../../src/samplers/base';
import { CmaEsSampler } from '../../src/samplers/cmaes/sampler';
import { EvolutionSampler } from '../../src/samplers/evolution/sampler';
import { GPSampler } from '../../src/samplers/gp';
import { initBackend } from '../../src/training/backend/select-backend';
import { QMCSampler } from '../../src/samplers/qmc';
import { RandomSampler } from '../../src/samplers/random';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import type { BenchResult } from '../result';
import { PROBLEMS, objectiveOf, type BenchProblem } from './problems';
import { TimedSampler } from './timed-sampler';

/** Samplers by name; a new sampler joins the benchmark with one line here. */
export const SAMPLER_FACTORIES: Readonly<Record<string, (seed: number) => Sampler>> = {
  random: (seed) => new RandomSampler({ seed }),
  tpe: (seed) => new TPESampler({ seed }),
  qmc: (seed) => new QMCSampler({ seed }),
  cmaes: (seed) => new CmaEsSampler({ seed, warnIndependentSampling: false }),
  evolution: (seed) => new EvolutionSampler({ seed }),
  gp: (seed) => new GPSampler({ seed }),
};

/** A GP refits an O(n³) model every trial: its time is reported up to 300 trials, not 1,000. */
const TIMING_LIMIT: Readonly<Record<string, number>> = { gp: 300 };

export interface SamplerBenchmarkOptions {
  /** Seeds per (problem, sampler). Default 20. */
  readonly seeds?: number;
  /** Trial counts at which regret is reported. Default [25, 50, 100]. */
  readonly budgets?: number[];
  /** Names from SAMPLER_FACTORIES. Default all. */
  readonly samplers?: string[];
  /** Run the Optuna anchor when Python has Optuna. Default true. */
  readonly optuna?: boolean;
}

const TIMING_PROBLEM = 'mixed-6d';
const TIMING_CHECKPOINTS = [100, 300, 1000];
/** 'tpe-fixed': Optuna 3.1's TPE with the truncated-normal density fix of optuna#5110 (Optuna >= 3.5). */
const OPTUNA_SAMPLERS = ['tpe', 'tpe-fixed', 'cmaes', 'random'];
const OPTUNA_TIMED = ['tpe', 'cmaes', 'random'];
const PYTHON = '/usr/bin/python3';

/** numpy's default (linear) percentile of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

function quartiles(values: readonly number[]): [number, number, number] {
  const s = values.slice().sort((a, b) => a - b);
  return [percentile(s, 0.25), percentile(s, 0.5), percentile(s, 0.75)];
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(3);

/** Best value so far after each trial. */
async function bestSoFar(problem: BenchProblem, sampler: Sampler, nTrials: number): Promise<number[]> {
  const study = await createStudy({ sampler, seed: 0, logger: silentLogger, heartbeatInterval: 0 });
  await study.optimize(objectiveOf(problem), { nTrials });
  let best = Infinity;
  return study.trials.map((t) => (best = t.state === 'COMPLETE' ? Math.min(best, t.value as number) : best));
}

/** Mean sampler time (ms) per trial over the 20 trials before each checkpoint. */
async function samplerTime(
  make: (seed: number) => Sampler,
  problem: BenchProblem,
  limit = Infinity,
): Promise<Record<string, number>> {
  const timed = new TimedSampler(make(0));
  const checkpoints = TIMING_CHECKPOINTS.filter((c) => c <= limit);
  await bestSoFar(problem, timed, Math.max(...checkpoints));
  const out: Record<string, number> = {};
  for (const c of checkpoints) {
    let sum = 0;
    for (let n = c - 20; n < c; n++) sum += timed.perTrial.get(n) ?? 0;
    out[String(c)] = sum / 20;
  }
  return out;
}

interface Anchor {
  version: string;
  best: Record<string, Record<string, number[][]>>;
  timing: Record<string, Record<string, number>>;
}

function optunaAnchor(seeds: number[], budget: number): Anchor | string {
  if (spawnSync(PYTHON, ['-c', 'import optuna'], { encoding: 'utf8' }).status !== 0) return `${PYTHON} has no optuna`;
  const script = [
    join(__dirname, 'optuna_anchor.py'),
    join(process.cwd(), 'benchmarks', 'samplers', 'optuna_anchor.py'),
  ].find(existsSync);
  if (script === undefined) return 'optuna_anchor.py not found';
  const request = {
    problems: PROBLEMS.map((p) => ({ name: p.name, space: p.space })),
    seeds,
    budget,
    samplers: OPTUNA_SAMPLERS,
    timed_samplers: OPTUNA_TIMED,
    timing: { problem: TIMING_PROBLEM, checkpoints: TIMING_CHECKPOINTS },
  };
  const res = spawnSync(PYTHON, [script], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) return `optuna_anchor.py failed: ${res.stderr.slice(-500)}`;
  return JSON.parse(res.stdout) as Anchor;
}

export async function samplerBenchmark(options: SamplerBenchmarkOptions = {}): Promise<BenchResult> {
  const seeds = Array.from({ length: options.seeds ?? 20 }, (_, i) => i);
  const budgets = options.budgets ?? [25, 50, 100];
  const names = options.samplers ?? Object.keys(SAMPLER_FACTORIES);
  for (const n of names)
    if (!(n in SAMPLER_FACTORIES))
      throw new Error(`unknown sampler "${n}"; expected one of ${Object.keys(SAMPLER_FACTORIES).join(', ')}`);
  const budget = Math.max(...budgets);
  await initBackend(); // the GP's tensor ops run on the fastest backend that loads
  const anchor = options.optuna === false ? 'not requested' : optunaAnchor(seeds, budget);

  const rows: Record<string, string | number>[] = [];
  const medians = new Map<string, number>(); // `${problem}/${sampler}/${budget}` -> median regret
  const addRow = (problem: BenchProblem, sampler: string, runs: number[][]): void => {
    const row: Record<string, string | number> = { problem: problem.name, sampler };
    for (const b of budgets) {
      const [q1, med, q3] = quartiles(runs.map((r) => (r[b - 1] as number) - problem.optimum));
      medians.set(`${problem.name}/${sampler}/${b}`, med);
      row[`regret@${b}`] = fmt(med);
      row[`IQR@${b}`] = `${fmt(q1)} – ${fmt(q3)}`;
    }
    rows.push(row);
  };
  for (const problem of PROBLEMS) {
    for (const name of names) {
      const runs: number[][] = [];
      for (const seed of seeds)
        runs.push(await bestSoFar(problem, (SAMPLER_FACTORIES[name] as (s: number) => Sampler)(seed), budget));
      addRow(problem, name, runs);
    }
    if (typeof anchor !== 'string') {
      for (const name of OPTUNA_SAMPLERS) addRow(problem, `optuna-${name}`, anchor.best[problem.name]?.[name] ?? []);
    }
  }

  const timingProblem = PROBLEMS.find((p) => p.name === TIMING_PROBLEM) as BenchProblem;
  const times = new Map<string, Record<string, number>>();
  for (const name of names)
    times.set(
      name,
      await samplerTime(SAMPLER_FACTORIES[name] as (s: number) => Sampler, timingProblem, TIMING_LIMIT[name]),
    );
  if (typeof anchor !== 'string')
    for (const name of OPTUNA_TIMED) times.set(`optuna-${name}`, anchor.timing[name] ?? {});
  for (const [sampler, t] of times) {
    const row: Record<string, string | number> = { problem: `time: ${TIMING_PROBLEM}`, sampler };
    for (const c of TIMING_CHECKPOINTS) row[`ms/trial@${c}`] = t[String(c)] ?? NaN;
    rows.push(row);
  }

  const ratios: Record<string, number> = {};
  if (typeof anchor !== 'string') {
    const ours = times.get('tpe')?.['1000'];
    const theirs = times.get('optuna-tpe')?.['1000'];
    if (ours !== undefined && theirs !== undefined)
      ratios['tpe ms/trial@1000 over optuna-tpe (goal <= 0.2)'] = ours / theirs;
    for (const other of ['optuna-tpe', 'optuna-tpe-fixed']) {
      for (const problem of PROBLEMS) {
        const a = medians.get(`${problem.name}/tpe/${budget}`);
        const b = medians.get(`${problem.name}/${other}/${budget}`);
        if (a !== undefined && b !== undefined && b > 0)
          ratios[`tpe regret@${budget} over ${other}, ${problem.name}`] = a / b;
      }
    }
  }
  for (const problem of PROBLEMS) {
    const a = medians.get(`${problem.name}/tpe/${budget}`);
    const r = medians.get(`${problem.name}/random/${budget}`);
    if (a !== undefined && r !== undefined && r > 0)
      ratios[`tpe regret@${budget} over random, ${problem.name}`] = a / r;
  }
  for (const problem of PROBLEMS) {
    const g = medians.get(`${problem.name}/gp/${budget}`);
    const t = medians.get(`${problem.name}/tpe/${budget}`);
    if (g !== undefined && t !== undefined && t > 0) ratios[`gp regret@${budget} over tpe, ${problem.name}`] = g / t;
  }
  const optunaNote =
    typeof anchor === 'string'
      ? `Optuna anchor skipped (${anchor}).`
      : `Optuna ${anchor.version} anchor on the same problems and seeds.`;
  return {
    name: 'samplers',
    description:
      `Median regret (best so far minus the optimum) and quartiles over ${seeds.length} seeds after ${budgets.join(', ')} trials; ` +
      `sampler time per trial (its own calls, mean of the 20 trials before the checkpoint) on ${TIMING_PROBLEM}. ${optunaNote}`,
    rows,
    ratios,
  };
}

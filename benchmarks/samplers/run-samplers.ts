/**
 * Sampler quality and overhead: regret (best-so-far minus the known optimum) after 25, 50 and 100
 * trials, median and quartiles over seeds, on the problems of ./problems; and the time each
 * sampler itself spends per trial at 100, 300 and 1,000 trials (its calls timed directly, so the
 * storage and the objective are left out). When `/usr/bin/python3` has Optuna (Debian's 3.1), its
 * TPE, CMA-ES and random samplers run on the same problems and seeds (./optuna_anchor.py) and the
 * ratios say how ours compare. With `OPTUNA_CURRENT` naming a checkout of current Optuna
 * (../shared/optuna-current.md), its TPE and GPSampler run too (`optuna-current-*` rows, marked
 * missing without it), and a Mann-Whitney test per problem says whether our TPE's regrets and its
 * differ beyond seed noise. Both anchors run in child processes beside our samplers. Goal
 * (model-based search issue): TPE's time per trial at 1,000 trials at most a fifth of Optuna's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createStudy } from '../../src';
import { silentLogger } from '../../src/util/logger';
import type { Sampler } from '../../src/samplers/base';
import { AutoSampler } from '../../src/samplers/auto';
import { CmaEsSampler } from '../../src/samplers/cmaes/sampler';
import { EvolutionSampler } from '../../src/samplers/evolution/sampler';
import { GPSampler } from '../../src/samplers/gp';
import { initBackend } from '../../src/training/backend/select-backend';
import { QMCSampler } from '../../src/samplers/qmc';
import { RandomSampler } from '../../src/samplers/random';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import type { BenchResult } from '../result';
import { PROBLEMS, objectiveOf, type BenchProblem } from './problems';
import { mannWhitney } from './mann-whitney';
import { TimedSampler } from './timed-sampler';

/** Samplers by name; a new sampler joins the benchmark with one line here. */
export const SAMPLER_FACTORIES: Readonly<Record<string, (seed: number) => Sampler>> = {
  random: (seed) => new RandomSampler({ seed }),
  tpe: (seed) => new TPESampler({ seed }),
  qmc: (seed) => new QMCSampler({ seed }),
  cmaes: (seed) => new CmaEsSampler({ seed, warnIndependentSampling: false }),
  evolution: (seed) => new EvolutionSampler({ seed }),
  gp: (seed) => new GPSampler({ seed }),
  auto: (seed) => new AutoSampler({ seed }),
};

/**
 * A GP refits an O(n³) model every trial: its time is reported up to 300 trials, not 1,000; so is
 * the auto sampler's, which is the GP up to 200 trials on numerical spaces.
 */
const TIMING_LIMIT: Readonly<Record<string, number>> = { gp: 300, auto: 300 };

export interface SamplerBenchmarkOptions {
  /** Seeds per (problem, sampler). Default 20. */
  readonly seeds?: number;
  /** Trial counts at which regret is reported. Default [25, 50, 100]. */
  readonly budgets?: number[];
  /** Names from SAMPLER_FACTORIES. Default all. */
  readonly samplers?: string[];
  /** Run the Optuna anchors when Python has Optuna. Default true. */
  readonly optuna?: boolean;
  /** A checkout of current Optuna (env OPTUNA_CURRENT); without it its rows are marked missing. */
  readonly optunaCurrent?: string;
  /** That checkout's commit, named in the results (env OPTUNA_CURRENT_COMMIT; else asked of git). */
  readonly optunaCurrentCommit?: string;
  /** Where the anchors' raw outputs are kept and read back (env SAMPLERS_ANCHOR_CACHE). Default: none. */
  readonly anchorCache?: string;
  /** Seeds of current Optuna's GPSampler, the slowest column (env OPTUNA_CURRENT_GP_SEEDS). Default `seeds`. */
  readonly optunaCurrentGpSeeds?: number;
  /** Trials of current Optuna's GP timing run (env OPTUNA_CURRENT_GP_TIMED). Default 300, as ours. */
  readonly optunaCurrentGpTimedTrials?: number;
  /**
   * Seeds of our GP and auto sampler, the slowest of ours (env SAMPLERS_GP_SEEDS): the first n of `seeds`, so that
   * on shared cores it can match the seeds current Optuna's GP gets. Default `seeds`.
   */
  readonly gpSeeds?: number;
}

const TIMING_PROBLEM = 'mixed-6d';
const TIMING_CHECKPOINTS = [100, 300, 1000];
/** 'tpe-fixed': Optuna 3.1's TPE with the truncated-normal density fix of optuna#5110 (Optuna >= 3.5). */
const OPTUNA_SAMPLERS = ['tpe', 'tpe-fixed', 'cmaes', 'random'];
const OPTUNA_TIMED = ['tpe', 'cmaes', 'random'];
/** Current Optuna: its TPE (multivariate and constant liar by default) and its GPSampler. */
const CURRENT_SAMPLERS = ['tpe', 'gp'];
const HOW_TO_GET_CURRENT =
  'set OPTUNA_CURRENT to a checkout (bash ../shared/optuna-current.sh MIRROR_GIT_DIR /tmp/optuna-current; ' +
  'needs python3-optuna, python3-scipy and python3-torch), then OPTUNA_CURRENT=/tmp/optuna-current npm run bench -- samplers';
/** Our TPE against current Optuna's, seed by seed: the pair the Mann-Whitney tests compare. */
const TPE_PAIR = ['tpe', 'optuna-current-tpe'] as const;
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

interface AnchorRequest {
  readonly seeds: number[];
  readonly budget: number;
  readonly samplers: readonly string[];
  readonly timed: readonly string[];
  readonly samplerSeeds?: Readonly<Record<string, number[]>>;
  /** Trials of each timed sampler's timing run, where fewer than the last checkpoint. Default TIMING_LIMIT. */
  readonly timingLimits?: Readonly<Record<string, number>>;
  /** PYTHONPATH for the run: a current Optuna checkout instead of Debian's. */
  readonly pythonPath?: string;
  /** Prefix of its progress lines on stderr. */
  readonly label: string;
  /**
   * A folder keeping each anchor's raw output by request (env SAMPLERS_ANCHOR_CACHE): the same
   * request reads it back instead of rerunning Python (its GP takes hours at 20 seeds).
   */
  readonly cacheDir?: string | undefined;
}

/** An anchor under way: its numbers, or why there are none. */
interface RunningAnchor {
  readonly result: Promise<Anchor | string>;
}

/**
 * Starts ./optuna_anchor.py in a child process; resolves once the request is written, since our
 * samplers then keep the event loop busy and the child would wait for its stdin.
 */
async function startAnchor(req: AnchorRequest): Promise<RunningAnchor> {
  const done = (result: Anchor | string): RunningAnchor => ({ result: Promise.resolve(result) });
  const env = req.pythonPath === undefined ? process.env : { ...process.env, PYTHONPATH: req.pythonPath };
  if (spawnSync(PYTHON, ['-c', 'import optuna'], { encoding: 'utf8', env }).status !== 0)
    return done(`${PYTHON} has no optuna${req.pythonPath === undefined ? '' : ` at ${req.pythonPath}`}`);
  const script = [
    join(__dirname, 'optuna_anchor.py'),
    join(process.cwd(), 'benchmarks', 'samplers', 'optuna_anchor.py'),
  ].find(existsSync);
  if (script === undefined) return done('optuna_anchor.py not found');
  const request = {
    problems: PROBLEMS.map((p) => ({ name: p.name, space: p.space })),
    seeds: req.seeds,
    budget: req.budget,
    samplers: req.samplers,
    timed_samplers: req.timed,
    sampler_seeds: req.samplerSeeds ?? {},
    timing_limits: req.timingLimits ?? TIMING_LIMIT,
    timing: { problem: TIMING_PROBLEM, checkpoints: TIMING_CHECKPOINTS },
  };
  const input = JSON.stringify(request);
  const cached =
    req.cacheDir === undefined
      ? undefined
      : join(
          req.cacheDir,
          `${req.label.replace(/\W+/g, '-')}-${createHash('sha1')
            .update(`${req.pythonPath ?? ''}\n${input}`)
            .digest('hex')
            .slice(0, 12)}.json`,
        );
  if (cached !== undefined && existsSync(cached)) {
    process.stderr.write(`${req.label}: read back from ${cached}\n`);
    return done(JSON.parse(readFileSync(cached, 'utf8')) as Anchor);
  }
  const child = spawn(PYTHON, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const result = new Promise<Anchor | string>((resolve) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      process.stderr.write(`${req.label}: ${d.toString()}`);
    });
    child.on('error', (e) => resolve(`optuna_anchor.py did not start: ${e.message}`));
    child.on('close', (code) => {
      if (code !== 0) return resolve(`optuna_anchor.py failed: ${err.slice(-500)}`);
      if (cached !== undefined) {
        mkdirSync(req.cacheDir as string, { recursive: true });
        writeFileSync(cached, out);
      }
      resolve(JSON.parse(out) as Anchor);
    });
  });
  await new Promise<void>((resolve) => child.stdin.end(input, resolve));
  return { result };
}

/** The commit of a current Optuna checkout: given, or asked of git (a plain checkout has no .git). */
function commitOf(checkout: string, given: string | undefined): string {
  if (given !== undefined && given !== '') return given;
  const res = spawnSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : 'commit not given (set OPTUNA_CURRENT_COMMIT)';
}

export async function samplerBenchmark(options: SamplerBenchmarkOptions = {}): Promise<BenchResult> {
  const seeds = Array.from({ length: options.seeds ?? 20 }, (_, i) => i);
  const budgets = options.budgets ?? [25, 50, 100];
  const names = options.samplers ?? Object.keys(SAMPLER_FACTORIES);
  for (const n of names)
    if (!(n in SAMPLER_FACTORIES))
      throw new Error(`unknown sampler "${n}"; expected one of ${Object.keys(SAMPLER_FACTORIES).join(', ')}`);
  const gpSeeds = options.optunaCurrentGpSeeds ?? seeds.length;
  if (!Number.isInteger(gpSeeds) || gpSeeds < 1)
    throw new Error(`optunaCurrentGpSeeds (OPTUNA_CURRENT_GP_SEEDS): got ${gpSeeds}; expected an integer >= 1`);
  const oursGpSeeds = options.gpSeeds ?? seeds.length;
  if (!Number.isInteger(oursGpSeeds) || oursGpSeeds < 1)
    throw new Error(`gpSeeds (SAMPLERS_GP_SEEDS): got ${oursGpSeeds}; expected an integer >= 1`);
  // The auto sampler runs the GP on numerical spaces: it gets the GP's seeds.
  const seedsOf = (name: string): number[] => (name === 'gp' || name === 'auto' ? seeds.slice(0, oursGpSeeds) : seeds);
  const budget = Math.max(...budgets);
  await initBackend(); // the GP's tensor ops run on the fastest backend that loads
  // The anchors start first and run in their own processes while our samplers run here.
  const notRequested: RunningAnchor = { result: Promise.resolve('not requested') };
  const anchorRun =
    options.optuna === false
      ? notRequested
      : await startAnchor({
          seeds,
          budget,
          samplers: OPTUNA_SAMPLERS,
          timed: OPTUNA_TIMED,
          label: 'optuna 3.1',
          cacheDir: options.anchorCache,
        });
  const checkout = options.optunaCurrent;
  const gpTimed = options.optunaCurrentGpTimedTrials ?? TIMING_LIMIT['gp'] ?? 300;
  // One process per sampler: its slow GP does not hold its TPE back, and each gets a core's share.
  const currentRuns =
    options.optuna === false
      ? [notRequested]
      : checkout === undefined || checkout === ''
        ? [{ result: Promise.resolve(`missing: ${HOW_TO_GET_CURRENT}`) }]
        : await Promise.all(
            CURRENT_SAMPLERS.map((name) =>
              startAnchor({
                seeds: name === 'gp' ? seeds.slice(0, gpSeeds) : seeds,
                budget,
                samplers: [name],
                timed: [name],
                timingLimits: name === 'gp' ? { gp: gpTimed } : TIMING_LIMIT,
                pythonPath: checkout,
                label: `optuna current ${name}`,
                cacheDir: options.anchorCache,
              }),
            ),
          );

  const rows: Record<string, string | number>[] = [];
  const medians = new Map<string, number>(); // `${problem}/${sampler}/${budget}` -> median regret
  const regrets = new Map<string, number[]>(); // `${problem}/${sampler}/${budget}` -> regret per seed
  const addRow = (problem: BenchProblem, sampler: string, runs: number[][]): void => {
    const row: Record<string, string | number> = { problem: problem.name, sampler, seeds: runs.length };
    for (const b of budgets) {
      const values = runs.map((r) => (r[b - 1] as number) - problem.optimum);
      const [q1, med, q3] = quartiles(values);
      medians.set(`${problem.name}/${sampler}/${b}`, med);
      regrets.set(`${problem.name}/${sampler}/${b}`, values);
      row[`regret@${b}`] = fmt(med);
      row[`IQR@${b}`] = `${fmt(q1)} – ${fmt(q3)}`;
    }
    rows.push(row);
  };
  const ours = new Map<string, number[][]>();
  for (const problem of PROBLEMS) {
    for (const name of names) {
      const runs: number[][] = [];
      for (const seed of seedsOf(name))
        runs.push(await bestSoFar(problem, (SAMPLER_FACTORIES[name] as (s: number) => Sampler)(seed), budget));
      ours.set(`${problem.name}/${name}`, runs);
    }
  }
  const timingProblem = PROBLEMS.find((p) => p.name === TIMING_PROBLEM) as BenchProblem;
  const times = new Map<string, Record<string, number>>();
  for (const name of names)
    times.set(
      name,
      await samplerTime(SAMPLER_FACTORIES[name] as (s: number) => Sampler, timingProblem, TIMING_LIMIT[name]),
    );

  const [anchor, current] = await Promise.all([anchorRun.result, mergeAnchors(currentRuns)]);
  for (const problem of PROBLEMS) {
    for (const name of names) addRow(problem, name, ours.get(`${problem.name}/${name}`) ?? []);
    if (typeof anchor !== 'string')
      for (const name of OPTUNA_SAMPLERS) addRow(problem, `optuna-${name}`, anchor.best[problem.name]?.[name] ?? []);
    for (const name of CURRENT_SAMPLERS) {
      if (typeof current !== 'string')
        addRow(problem, `optuna-current-${name}`, current.best[problem.name]?.[name] ?? []);
      else
        rows.push(
          missingRow(
            problem.name,
            `optuna-current-${name}`,
            budgets.map((b) => `regret@${b}`),
          ),
        );
    }
  }

  if (typeof anchor !== 'string')
    for (const name of OPTUNA_TIMED) times.set(`optuna-${name}`, anchor.timing[name] ?? {});
  if (typeof current !== 'string')
    for (const name of CURRENT_SAMPLERS) times.set(`optuna-current-${name}`, current.timing[name] ?? {});
  for (const [sampler, t] of times) {
    const row: Record<string, string | number> = { problem: `time: ${TIMING_PROBLEM}`, sampler };
    for (const c of TIMING_CHECKPOINTS) row[`ms/trial@${c}`] = t[String(c)] ?? NaN;
    rows.push(row);
  }
  if (typeof current === 'string')
    for (const name of CURRENT_SAMPLERS)
      rows.push(
        missingRow(
          `time: ${TIMING_PROBLEM}`,
          `optuna-current-${name}`,
          TIMING_CHECKPOINTS.map((c) => `ms/trial@${c}`),
        ),
      );

  const ratios: Record<string, number> = {};
  const oursAt1000 = times.get('tpe')?.['1000'];
  for (const other of typeof current === 'string' ? [] : ['optuna-current-tpe'])
    addTimeRatio(ratios, oursAt1000, times.get(other)?.['1000'], other, '');
  if (typeof anchor !== 'string')
    addTimeRatio(ratios, oursAt1000, times.get('optuna-tpe')?.['1000'], 'optuna-tpe', ' (goal <= 0.2)');
  const others = [
    ...(typeof current === 'string' ? [] : ['optuna-current-tpe']),
    ...(typeof anchor === 'string' ? [] : ['optuna-tpe', 'optuna-tpe-fixed']),
  ];
  for (const other of others) {
    for (const problem of PROBLEMS) {
      const a = medians.get(`${problem.name}/tpe/${budget}`);
      const b = medians.get(`${problem.name}/${other}/${budget}`);
      if (a !== undefined && b !== undefined && b > 0)
        ratios[`tpe regret@${budget} over ${other}, ${problem.name}`] = a / b;
    }
  }
  if (typeof current !== 'string') {
    for (const problem of PROBLEMS) {
      for (const b of budgets) {
        const x = regrets.get(`${problem.name}/${TPE_PAIR[0]}/${b}`);
        const y = regrets.get(`${problem.name}/${TPE_PAIR[1]}/${b}`);
        if (x === undefined || y === undefined || x.length === 0 || y.length === 0) continue;
        const test = mannWhitney(x, y);
        ratios[`Mann-Whitney p, tpe vs optuna-current-tpe regret@${b}, ${problem.name}`] = test.p;
        ratios[`P(tpe regret@${b} < optuna-current-tpe's), ${problem.name}`] = test.probLower;
      }
    }
  }
  for (const problem of PROBLEMS) {
    const a = medians.get(`${problem.name}/tpe/${budget}`);
    const r = medians.get(`${problem.name}/random/${budget}`);
    if (a !== undefined && r !== undefined && r > 0)
      ratios[`tpe regret@${budget} over random, ${problem.name}`] = a / r;
  }
  for (const [gp, tpe] of [
    ['gp', 'tpe'],
    ['gp', 'optuna-current-gp'],
  ] as const) {
    for (const problem of PROBLEMS) {
      const g = medians.get(`${problem.name}/${gp}/${budget}`);
      const t = medians.get(`${problem.name}/${tpe}/${budget}`);
      if (g !== undefined && t !== undefined && t > 0)
        ratios[`${gp} regret@${budget} over ${tpe}, ${problem.name}`] = g / t;
    }
  }
  // Issue 19's goal: the auto sampler at least as good as the better of TPE and GP at the last budget.
  for (const problem of PROBLEMS) {
    const auto = medians.get(`${problem.name}/auto/${budget}`);
    const tpe = medians.get(`${problem.name}/tpe/${budget}`);
    const gp = medians.get(`${problem.name}/gp/${budget}`);
    if (auto === undefined || tpe === undefined || gp === undefined) continue;
    const better = Math.min(tpe, gp);
    if (better > 0) ratios[`auto regret@${budget} over the better of tpe and gp, ${problem.name}`] = auto / better;
  }
  const anchorNote =
    typeof anchor === 'string'
      ? `Optuna 3.1 anchor skipped (${anchor}).`
      : `Optuna ${anchor.version} anchor on the same problems and seeds.`;
  const currentNote =
    typeof current === 'string'
      ? `Current Optuna ${current}.`
      : `Current Optuna ${current.version} (commit ${commitOf(checkout as string, options.optunaCurrentCommit)}): ` +
        `TPE with its defaults on the same seeds, GPSampler on the first ${gpSeeds} (its timing run ${gpTimed} trials); ` +
        'Mann-Whitney p: two-sided, our TPE against its TPE per problem and budget (20 seeds a side by default).';
  return {
    name: 'samplers',
    description:
      `Median regret (best so far minus the optimum) and quartiles over the seeds of each row after ${budgets.join(', ')} trials; ` +
      `sampler time per trial (its own calls, mean of the 20 trials before the checkpoint) on ${TIMING_PROBLEM}. ` +
      `${oursGpSeeds < seeds.length ? `Our GP and auto sampler on the first ${oursGpSeeds} seeds. ` : ''}${anchorNote} ${currentNote}`,
    rows,
    ratios,
  };
}

/** One anchor from several processes' (one sampler each); the first failure if any failed. */
async function mergeAnchors(runs: readonly RunningAnchor[]): Promise<Anchor | string> {
  const parts = await Promise.all(runs.map((r) => r.result));
  const failed = parts.find((p): p is string => typeof p === 'string');
  if (failed !== undefined) return failed;
  const anchors = parts as Anchor[];
  const merged: Anchor = { version: (anchors[0] as Anchor).version, best: {}, timing: {} };
  for (const a of anchors) {
    for (const [problem, bySampler] of Object.entries(a.best))
      merged.best[problem] = { ...merged.best[problem], ...bySampler };
    Object.assign(merged.timing, a.timing);
  }
  return merged;
}

function missingRow(problem: string, sampler: string, columns: readonly string[]): Record<string, string> {
  const row: Record<string, string> = { problem, sampler };
  for (const c of columns) row[c] = 'missing';
  return row;
}

function addTimeRatio(
  ratios: Record<string, number>,
  ours: number | undefined,
  theirs: number | undefined,
  other: string,
  goal: string,
): void {
  if (ours !== undefined && theirs !== undefined && theirs > 0)
    ratios[`tpe ms/trial@1000 over ${other}${goal}`] = ours / theirs;
}

/**
 * Our GPSampler beside current Optuna's, seed for seed, on a few problems small enough to rerun
 * after a change to src/gp (the full `samplers` and `multi-objective` tables take hours on shared
 * cores): median regret after 25, 50 and 100 trials on single-objective problems of
 * ../samplers/problems, median hypervolume (reference 1.1) after 50 and 100 on multi-objective ones
 * of ../multi-objective/problems. Current Optuna runs when OPTUNA_CURRENT names a checkout
 * (../shared/optuna-current.md), in a child process beside ours; without it its rows are missing.
 * Env: GP_SIDE_PROBLEMS (default hartmann-6d,dtlz2), GP_SIDE_SEEDS (default 0,1,2,3,4).
 */
import { createStudy } from '../../src';
import { GPSampler } from '../../src/samplers/gp';
import { hypervolume } from '../../src/samplers/hypervolume/exact';
import { silentLogger } from '../../src/util/logger';
import { runPythonJson } from '../python-json';
import type { BenchResult } from '../result';
import { MO_PROBLEMS, type MOProblem } from '../multi-objective/problems';
import { PROBLEMS, objectiveOf, type BenchProblem } from '../samplers/problems';

const TRIALS = 100;
const REGRET_AT = [25, 50, 100];
const HV_AT = [50, 100];
const REFERENCE = 1.1;

type Run = (number | number[])[];

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const fmt = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

async function ourRun(problem: BenchProblem | MOProblem, seed: number): Promise<Run> {
  if ('optimum' in problem) {
    // As the samplers benchmark: the study's seed 0, the sampler's the run's.
    const study = await createStudy({
      sampler: new GPSampler({ seed }),
      seed: 0,
      logger: silentLogger,
      heartbeatInterval: 0,
    });
    await study.optimize(objectiveOf(problem), { nTrials: TRIALS });
    return study.trials.map((t) => t.value as number);
  }
  const study = await createStudy({
    directions: Array.from({ length: problem.nObjectives }, () => 'minimize' as const),
    sampler: new GPSampler({ seed }),
    seed,
    logger: silentLogger,
    heartbeatInterval: 0,
  });
  await study.optimize(
    (t) => problem.evaluate(Array.from({ length: problem.nVars }, (_, i) => t.suggestFloat(`x${i}`, 0, 1))),
    { nTrials: TRIALS },
  );
  return study.trials.map((t) => (t.values ?? []).slice());
}

function startOptuna(
  problems: readonly (BenchProblem | MOProblem)[],
  seeds: readonly number[],
  checkout: string,
): Promise<{ version: string; runs: Record<string, Run[]> } | string> {
  return runPythonJson<{ version: string; runs: Record<string, Run[]> }>(
    'gp/optuna_gp_side.py',
    {
      problems: problems.map((p) =>
        'optimum' in p ? { name: p.name, space: p.space } : { name: p.name, n_vars: p.nVars },
      ),
      seeds,
      trials: TRIALS,
    },
    { ...process.env, PYTHONPATH: checkout, OMP_NUM_THREADS: '1' },
  );
}

/** Medians at the checkpoints: regret of the best so far, or hypervolume of the values so far. */
function summarise(problem: BenchProblem | MOProblem, runs: readonly Run[]): Record<string, string> {
  const row: Record<string, string> = { seeds: String(runs.length) };
  if ('optimum' in problem) {
    const regrets = runs.map((r) => {
      let best = Infinity;
      return r.map((v) => (best = Math.min(best, v as number)) - problem.optimum);
    });
    for (const c of REGRET_AT) row[`regret@${c}`] = fmt(median(regrets.map((r) => r[c - 1] as number)));
    row['per seed@100'] = regrets.map((r) => fmt(r[TRIALS - 1] as number)).join(' ');
  } else {
    const ref = Array.from({ length: problem.nObjectives }, () => REFERENCE);
    const hv = (r: Run, c: number): number => hypervolume(r.slice(0, c) as number[][], ref);
    for (const c of HV_AT) row[`hv@${c}`] = fmt(median(runs.map((r) => hv(r, c))));
    row['per seed@100'] = runs.map((r) => fmt(hv(r, TRIALS))).join(' ');
  }
  return row;
}

export async function gpSideBySide(): Promise<BenchResult> {
  const names = (process.env['GP_SIDE_PROBLEMS'] ?? 'hartmann-6d,dtlz2').split(',');
  const all = [...PROBLEMS, ...MO_PROBLEMS];
  const problems = names.map((n) => {
    const p = all.find((q) => q.name === n);
    if (p === undefined)
      throw new Error(`GP_SIDE_PROBLEMS: unknown "${n}"; expected some of ${all.map((q) => q.name).join(', ')}`);
    return p;
  });
  const seeds = (process.env['GP_SIDE_SEEDS'] ?? '0,1,2,3,4').split(',').map(Number);
  if (!seeds.every((s) => Number.isInteger(s) && s >= 0))
    throw new Error(`GP_SIDE_SEEDS: got "${process.env['GP_SIDE_SEEDS']}"`);
  const checkout = process.env['OPTUNA_CURRENT'];
  const optuna =
    checkout === undefined ? Promise.resolve('OPTUNA_CURRENT not set') : startOptuna(problems, seeds, checkout);
  const ours: Run[][] = [];
  for (const p of problems) {
    const runs: Run[] = [];
    for (const s of seeds) runs.push(await ourRun(p, s));
    ours.push(runs);
  }
  const theirs = await optuna;
  const rows: Record<string, string>[] = [];
  const ratios: Record<string, number> = {};
  problems.forEach((p, k) => {
    const mine = summarise(p, ours[k] as Run[]);
    rows.push({ problem: p.name, sampler: 'gp', ...mine });
    const other = typeof theirs === 'string' ? undefined : theirs.runs[p.name];
    if (other === undefined) {
      rows.push({ problem: p.name, sampler: 'optuna-current-gp', seeds: 'missing' });
      return;
    }
    const them = summarise(p, other);
    rows.push({ problem: p.name, sampler: 'optuna-current-gp', ...them });
    const key = 'optimum' in p ? 'regret@100' : 'hv@100';
    ratios[`gp ${key} over optuna-current-gp, ${p.name}`] = Number(mine[key]) / Number(them[key]);
  });
  const version = typeof theirs === 'string' ? `current Optuna: ${theirs}` : `current Optuna ${theirs.version}`;
  return {
    name: 'gp-side-by-side',
    description:
      `GPSampler (defaults) beside current Optuna's GPSampler (defaults), seeds ${seeds.join(',')}, ${TRIALS} trials: ` +
      `median regret of the best so far (single objective) or hypervolume at reference ${REFERENCE} (several), and each seed's value at ${TRIALS}. ${version}.`,
    rows,
    ratios,
  };
}

/**
 * Our TPE beside current Optuna's TPE on one problem of ./problems over many seeds: median regret
 * at 25, 50 and 100 trials and a two-sided Mann-Whitney test, over all seeds and over the seeds
 * from `fresh` on. A gap the 20-seed samplers table flags is checked here on seeds it did not see
 * (TPE is cheap: 150 seeds a side take minutes). Env: TPE_SEEDS_PROBLEM (default hartmann-6d),
 * TPE_SEEDS (default 150), TPE_SEEDS_FRESH (default 20: the samplers table's seeds are 0-19),
 * OPTUNA_CURRENT (required: a checkout of current Optuna, ../shared/optuna-current.md).
 */
import { createStudy } from '../../src';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import { silentLogger } from '../../src/util/logger';
import { runPythonJson } from '../python-json';
import type { BenchResult } from '../result';
import { mannWhitney } from './mann-whitney';
import { PROBLEMS, objectiveOf, type BenchProblem } from './problems';

const BUDGETS = [25, 50, 100];

interface AnchorOutput {
  version: string;
  best: Record<string, Record<string, number[][]>>;
}

export interface TpeSeedsOptions {
  readonly problem: string;
  readonly seeds: number;
  readonly fresh: number;
  readonly optunaCurrent: string;
}

function median(values: readonly number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function oursBestSoFar(problem: BenchProblem, seed: number): Promise<number[]> {
  const study = await createStudy({
    sampler: new TPESampler({ seed }),
    seed: 0,
    logger: silentLogger,
    heartbeatInterval: 0,
  });
  await study.optimize(objectiveOf(problem), { nTrials: Math.max(...BUDGETS) });
  let best = Infinity;
  return study.trials.map((t) => (best = t.state === 'COMPLETE' ? Math.min(best, t.value as number) : best));
}

export async function tpeSeedsBenchmark(options: TpeSeedsOptions): Promise<BenchResult> {
  const problem = PROBLEMS.find((p) => p.name === options.problem);
  if (problem === undefined)
    throw new Error(
      `TPE_SEEDS_PROBLEM: got "${options.problem}"; expected one of ${PROBLEMS.map((p) => p.name).join(', ')}`,
    );
  if (!(options.fresh >= 0 && options.fresh < options.seeds - 1))
    throw new Error(
      `TPE_SEEDS_FRESH: got ${options.fresh}; expected an integer below TPE_SEEDS - 1 (${options.seeds - 1})`,
    );
  const seeds = Array.from({ length: options.seeds }, (_, i) => i);
  // The anchor starts first and runs in its own process while ours run here.
  const anchor = runPythonJson<AnchorOutput>(
    'samplers/optuna_anchor.py',
    {
      problems: [{ name: problem.name, space: problem.space }],
      seeds,
      budget: Math.max(...BUDGETS),
      samplers: ['tpe'],
    },
    { ...process.env, PYTHONPATH: options.optunaCurrent },
  );
  const ours: number[][] = [];
  for (const seed of seeds) ours.push(await oursBestSoFar(problem, seed));
  const theirs = await anchor;
  if (typeof theirs === 'string') throw new Error(`current Optuna's TPE did not run: ${theirs}`);
  const optuna = theirs.best[problem.name]?.['tpe'] ?? [];
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  for (const [label, from] of [
    ['all', 0],
    ['fresh', options.fresh],
  ] as const) {
    for (const b of BUDGETS) {
      const x = ours.slice(from).map((r) => (r[b - 1] as number) - problem.optimum);
      const y = optuna.slice(from).map((r) => (r[b - 1] as number) - problem.optimum);
      const test = mannWhitney(x, y);
      rows.push({
        problem: problem.name,
        seeds: `${from}-${options.seeds - 1}`,
        trials: b,
        'tpe median regret': median(x),
        'optuna-current-tpe median regret': median(y),
        ratio: median(x) / median(y),
        'Mann-Whitney p': test.p,
        'P(tpe < optuna)': test.probLower,
      });
      ratios[`tpe regret@${b} over optuna-current-tpe, seeds ${label} ${from}-${options.seeds - 1}`] =
        median(x) / median(y);
      ratios[`Mann-Whitney p @${b}, seeds ${from}-${options.seeds - 1}`] = test.p;
    }
  }
  return {
    name: `tpe-seeds-${problem.name}-${options.seeds}`,
    description:
      `Our TPESampler (defaults) beside current Optuna ${theirs.version}'s TPESampler (defaults) on ${problem.name}, ` +
      `seeds 0-${options.seeds - 1} a side: median regret of the best so far, two-sided Mann-Whitney p; ` +
      `"fresh" rows leave out seeds below ${options.fresh} (seeds already looked at: the samplers table has 0-19).`,
    rows,
    ratios,
  };
}

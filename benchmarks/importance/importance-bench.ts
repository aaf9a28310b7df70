/**
 * Importance side by side with Optuna (issue #16) on the same stored trials: the fixture problems of
 * test/analysis (and a 400-trial one), exported as JSON to Python. Per evaluator: Spearman rank
 * correlation with Optuna's numbers and the time ratio (ours / Optuna's, one call each). Goal:
 * Spearman >= 0.9 with fANOVA on >= 3 problems. Current Optuna (PED-ANOVA) joins when
 * OPTUNA_CURRENT names a checkout (OPTUNA_CURRENT_COMMIT, its commit, for the record); without it
 * those columns are missing.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import fixtures from '../../test/analysis/fixtures/importance-optuna.json';
import * as tune from '../../src';
import type { DistributionJson } from '../../src/space/distributions';
import type { BenchResult } from '../result';

interface Problem {
  distributions: Record<string, DistributionJson>;
  trials: { params: Record<string, number | string>; value: number }[];
}

function largeProblem(): Problem {
  const rng = new tune.Rng(11);
  const trials = Array.from({ length: 400 }, () => {
    const params = { a: rng.uniform(0, 1), b: rng.uniform(0, 1), c: rng.uniform(0, 1), d: rng.int(1, 9) };
    return { params, value: 4 * (params.a - 0.3) ** 2 + params.b + 0.1 * params.d + 0 * params.c };
  });
  const f = (low: number, high: number): DistributionJson => ({ type: 'float', low, high, log: false, step: null });
  return {
    distributions: { a: f(0, 1), b: f(0, 1), c: f(0, 1), d: { type: 'int', low: 1, high: 9, log: false, step: 1 } },
    trials,
  };
}

async function studyOf(p: Problem): Promise<tune.Study> {
  const study = await tune.createStudy({ seed: 0 });
  for (const row of p.trials) {
    await study.enqueueTrial(row.params);
    const trial = await study.ask();
    for (const [name, d] of Object.entries(p.distributions).sort()) {
      if (d.type === 'categorical') trial.suggestCategorical(name, d.choices);
      else if (d.type === 'int') trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
      else trial.suggestFloat(name, d.low, d.high, { log: d.log, ...(d.step !== null ? { step: d.step } : {}) });
    }
    await study.tell(trial, row.value);
  }
  return study;
}

function spearman(a: Record<string, number>, b: Record<string, number>): number {
  const names = Object.keys(a).sort();
  const rank = (m: Record<string, number>): number[] => {
    const order = [...names].sort((x, y) => (m[y] as number) - (m[x] as number));
    return names.map((n) => order.indexOf(n));
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = names.length;
  const d2 = ra.reduce((s, r, i) => s + (r - (rb[i] as number)) ** 2, 0);
  return n < 2 ? 1 : 1 - (6 * d2) / (n * (n * n - 1));
}

type OptunaSide = {
  version: string;
  problems: Record<string, Record<string, { importances: Record<string, number>; seconds: number }>>;
};

function optuna(problems: Record<string, Problem>, pythonPath?: string): OptunaSide | null {
  try {
    const out = execFileSync('/usr/bin/python3', [join(__dirname, 'optuna_importance.py')], {
      input: JSON.stringify(problems),
      env: { ...process.env, ...(pythonPath ? { PYTHONPATH: pythonPath } : {}) },
      maxBuffer: 64 << 20,
    });
    return JSON.parse(out.toString()) as OptunaSide;
  } catch {
    return null;
  }
}

export async function importanceBenchmark(): Promise<BenchResult> {
  const problems: Record<string, Problem> = {
    ...(fixtures as unknown as Record<string, Problem>),
    'four-params-400': largeProblem(),
  };
  const old = optuna(problems);
  const current = process.env['OPTUNA_CURRENT'] ? optuna(problems, process.env['OPTUNA_CURRENT']) : null;
  const evaluators = {
    fanova: () => new tune.importance.FanovaImportanceEvaluator({ seed: 0 }),
    mdi: () => new tune.importance.MeanDecreaseImpurityImportanceEvaluator({ seed: 0 }),
    pedanova: () => new tune.importance.PedAnovaImportanceEvaluator(),
  };
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  let fanovaAgreeing = 0;
  for (const [name, p] of Object.entries(problems)) {
    const study = await studyOf(p);
    for (const [key, make] of Object.entries(evaluators)) {
      const t0 = performance.now();
      const ours = Object.fromEntries(tune.importance.getParamImportances(study, { evaluator: make() }));
      const seconds = (performance.now() - t0) / 1000;
      const theirs = (key === 'pedanova' ? current : old)?.problems[name]?.[key];
      const rho = theirs ? spearman(ours, theirs.importances) : NaN;
      if (key === 'fanova' && rho >= 0.9) fanovaAgreeing++;
      rows.push({
        problem: name,
        evaluator: key,
        trials: p.trials.length,
        ours: Object.entries(ours)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', '),
        optuna: theirs
          ? Object.entries(theirs.importances)
              .map(([k, v]) => `${k} ${v.toFixed(3)}`)
              .join(', ')
          : 'missing',
        spearman: Number.isNaN(rho) ? 'missing' : rho,
        'ours s': seconds,
        'optuna s': theirs ? theirs.seconds : 'missing',
        'time ratio': theirs ? seconds / theirs.seconds : 'missing',
      });
      if (theirs) ratios[`${name} ${key} time ours/optuna`] = seconds / theirs.seconds;
    }
  }
  ratios['problems with fANOVA Spearman >= 0.9'] = fanovaAgreeing;
  return {
    name: 'importance',
    description: `Parameter importance, ours vs Optuna ${old?.version ?? '(missing)'} (fANOVA, MDI: seed 0 both sides) and ${current ? `${current.version}${process.env['OPTUNA_CURRENT_COMMIT'] ? ` at ${process.env['OPTUNA_CURRENT_COMMIT']}` : ''}` : 'current Optuna (missing: set OPTUNA_CURRENT)'} (PED-ANOVA), same trials.`,
    rows,
    ratios,
  };
}

/**
 * Multi-objective search: median hypervolume (reference 1.1 per objective) over seeds after 100,
 * 300 and 1,000 trials on ZDT1, ZDT2, ZDT3 (5 variables) and DTLZ2 (6 variables, 3 objectives),
 * and each sampler's own time per trial (its calls timed directly, mean of the 20 trials before
 * each checkpoint). Side by side in one run with Debian's Optuna 3.1 (`/usr/bin/python3`) and,
 * when `OPTUNA_CURRENT` names a checkout, current Optuna (./optuna_mo_anchor.py), whose trials'
 * values come back so every hypervolume is computed by the same code. TPE runs to 300 trials (the
 * goals are at 100 and 300; Optuna's MOTPE at 1,000 takes minutes a run).
 *
 * Goals (issue 16): NSGA-II within 10 % of Optuna's at 1,000 trials; multi-objective TPE at least
 * Optuna's at 100 and 300; sampler time per trial below Optuna's; GP (LogEHVI) above NSGA-II and
 * TPE at 100 trials. `MO_SEEDS` sets the seed count (default 5). `MO_SAMPLERS=gp` runs only the
 * samplers named (comma-separated) and re-uses every other row from the committed result (same
 * seed count), with only current Optuna's runs of the same samplers (when `OPTUNA_CURRENT` is set;
 * 3.1 has no multi-objective GP): a GP run takes minutes where the whole benchmark takes an hour on
 * shared cores. `MO_GP_TRIALS` sets the GP's trials (default 100).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createStudy } from '../../src';
import { hypervolume } from '../../src/samplers/hypervolume/exact';
import type { Sampler } from '../../src/samplers/base';
import { GPSampler } from '../../src/samplers/gp';
import { NSGAIISampler } from '../../src/samplers/nsgaii/sampler';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import { initBackend } from '../../src/training/backend/select-backend';
import { silentLogger } from '../../src/util/logger';
import { runPythonJson } from '../python-json';
import type { BenchResult } from '../result';
import { TimedSampler } from '../samplers/timed-sampler';
import { MO_PROBLEMS, type MOProblem } from './problems';

const CHECKPOINTS = [100, 300, 1000];
/** Trials each sampler runs (ours and Optuna's alike); the GP refits O(n³) models every trial. */
const BUDGET: Readonly<Record<string, number>> = { nsgaii: 1000, tpe: 300, gp: gpTrials() };
const FACTORIES: Readonly<Record<string, (seed: number) => Sampler>> = {
  nsgaii: (seed) => new NSGAIISampler({ seed }),
  tpe: (seed) => new TPESampler({ seed }),
  gp: (seed) => new GPSampler({ seed }),
};
/** What each Optuna anchor runs: 3.1 has no GPSampler, current Optuna's does LogEHVI (>= 4.4). */
const ANCHORED: Readonly<Record<string, readonly string[]>> = {
  'optuna-3.1': ['nsgaii', 'tpe'],
  'optuna-current': ['nsgaii', 'tpe', 'gp'],
};
const COMMITTED = join('benchmarks', 'results', 'multi-objective.json');

function gpTrials(): number {
  const n = Number(process.env['MO_GP_TRIALS'] ?? 100);
  if (!Number.isInteger(n) || n < 100)
    throw new Error(`MO_GP_TRIALS: got "${process.env['MO_GP_TRIALS']}"; expected an integer >= 100`);
  return n;
}

/** The samplers `MO_SAMPLERS` names, or all of ours. */
function chosenSamplers(): string[] {
  const raw = process.env['MO_SAMPLERS'];
  if (raw === undefined) return Object.keys(FACTORIES);
  const names = raw.split(',').map((n) => n.trim());
  const bad = names.find((n) => !(n in FACTORIES));
  if (bad !== undefined)
    throw new Error(`MO_SAMPLERS: unknown sampler "${bad}"; expected some of ${Object.keys(FACTORIES).join(', ')}`);
  return names;
}

/** The committed rows of the samplers not run now, and when they were measured. */
function committedRows(
  running: readonly string[],
  anchorLabels: readonly string[],
  seedCount: number,
): { rows: Record<string, string | number>[]; note: string } {
  if (!existsSync(COMMITTED)) throw new Error(`MO_SAMPLERS needs the committed ${COMMITTED} to re-use`);
  const saved = JSON.parse(readFileSync(COMMITTED, 'utf8')) as {
    description: string;
    date: string;
    rows: Record<string, string | number>[];
  };
  if (!saved.description.includes(` over ${seedCount} seeds `))
    throw new Error(
      `${COMMITTED} was not measured over ${seedCount} seeds; set MO_SEEDS to match or run every sampler`,
    );
  const measured = new Set(running.flatMap((s) => [s, ...anchorLabels.map((label) => `${label}-${s}`)]));
  const rows = saved.rows.filter((r) => !measured.has(String(r['sampler'])));
  const kept = [...new Set(rows.map((r) => String(r['sampler'])))].join(', ');
  // A partial result's own date is not its re-used rows': keep the date of the run that measured them.
  const measuredOn =
    /re-used from the run of (\d{4}-\d{2}-\d{2})/.exec(saved.description)?.[1] ?? saved.date.slice(0, 10);
  const optuna = anchorLabels.length > 0 ? '' : (/(optuna-current is Optuna \S+\.)/.exec(saved.description)?.[1] ?? '');
  const commit = anchorLabels.length > 0 ? '' : (/(current Optuna commit \w+\.)/.exec(saved.description)?.[1] ?? '');
  return { rows, note: `Rows ${kept} re-used from the run of ${measuredOn}. ${optuna} ${commit}`.trim() };
}
const REFERENCE = 1.1;

/** One run: every trial's values and the sampler's milliseconds for it. */
interface Run {
  readonly values: number[][];
  readonly ms: number[];
}

interface Anchor {
  readonly version: string;
  readonly runs: Record<string, Record<string, Run[]>>;
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function ourRun(problem: MOProblem, sampler: string, seed: number): Promise<Run> {
  const timed = new TimedSampler((FACTORIES[sampler] as (s: number) => Sampler)(seed));
  const study = await createStudy({
    directions: Array.from({ length: problem.nObjectives }, () => 'minimize' as const),
    sampler: timed,
    seed,
    logger: silentLogger,
    heartbeatInterval: 0,
  });
  await study.optimize(
    (t) => problem.evaluate(Array.from({ length: problem.nVars }, (_, i) => t.suggestFloat(`x${i}`, 0, 1))),
    { nTrials: BUDGET[sampler] as number },
  );
  return {
    values: study.trials.map((t) => (t.values ?? []).slice()),
    ms: study.trials.map((t) => timed.perTrial.get(t.number) ?? 0),
  };
}

/** Starts the anchor in the background (it runs while ours do); resolves to its result or why not. */
function startAnchor(
  seeds: number[],
  pythonPath: string | undefined,
  samplers: readonly string[],
): Promise<Anchor | string> {
  const env = { ...process.env, ...(pythonPath === undefined ? {} : { PYTHONPATH: pythonPath }) };
  return runPythonJson<Anchor>(
    'multi-objective/optuna_mo_anchor.py',
    {
      problems: MO_PROBLEMS.map((p) => ({ name: p.name, n_vars: p.nVars })),
      seeds,
      samplers: Object.fromEntries(samplers.map((s) => [s, BUDGET[s]])),
    },
    env,
  );
}

/** Hypervolume of the first `n` trials' values. */
function hypervolumeAt(run: Run, n: number, m: number): number {
  const ref = Array.from({ length: m }, () => REFERENCE);
  return hypervolume(run.values.slice(0, n), ref);
}

/** Mean sampler milliseconds over the 20 trials before `n`. */
function msAt(run: Run, n: number): number {
  let sum = 0;
  for (let i = n - 20; i < n; i++) sum += run.ms[i] ?? 0;
  return sum / 20;
}

export async function multiObjectiveBenchmark(): Promise<BenchResult> {
  const seedCount = Number(process.env['MO_SEEDS'] ?? 5);
  if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`MO_SEEDS: got "${process.env['MO_SEEDS']}"`);
  const seeds = Array.from({ length: seedCount }, (_, i) => i);
  const samplers = chosenSamplers();
  const partial = samplers.length < Object.keys(FACTORIES).length;
  const current = process.env['OPTUNA_CURRENT'];
  const reused = partial
    ? committedRows(samplers, current === undefined ? [] : ['optuna-current'], seedCount)
    : { rows: [], note: '' };
  // In a partial run, current Optuna runs the chosen samplers it has; the committed rows keep the rest.
  const anchored = (label: string): string[] =>
    (ANCHORED[label] ?? []).filter((s) => samplers.includes(s) && (!partial || label === 'optuna-current'));
  const anchors: [string, Promise<Anchor | string>][] = [];
  for (const [label, path] of [
    ['optuna-3.1', undefined],
    ['optuna-current', current],
  ] as const) {
    if ((label === 'optuna-3.1' || path !== undefined) && anchored(label).length > 0)
      anchors.push([label, startAnchor(seeds, path, anchored(label))]);
  }
  await initBackend(); // the GP's tensor ops run on the fastest backend that loads

  const runs = new Map<string, Run[]>(); // `${problem}/${sampler}`
  for (const problem of MO_PROBLEMS) {
    for (const sampler of samplers) {
      const list: Run[] = [];
      for (const seed of seeds) {
        const started = Date.now();
        list.push(await ourRun(problem, sampler, seed));
        process.stderr.write(
          `multi-objective: ${problem.name} ${sampler} seed ${seed}: ${(Date.now() - started) / 1000} s\n`,
        );
      }
      runs.set(`${problem.name}/${sampler}`, list);
    }
  }
  const notes: string[] = [];
  for (const [label, pending] of anchors) {
    const anchor = await pending;
    if (typeof anchor === 'string') {
      notes.push(`${label} skipped (${anchor}).`);
      continue;
    }
    notes.push(`${label} is Optuna ${anchor.version}.`);
    for (const problem of MO_PROBLEMS)
      for (const sampler of anchored(label))
        runs.set(`${problem.name}/${label}-${sampler}`, anchor.runs[problem.name]?.[sampler] ?? []);
  }
  if (partial) notes.push(reused.note);
  if (current === undefined && !partial) notes.push('current Optuna skipped (OPTUNA_CURRENT unset).');
  else if (process.env['OPTUNA_CURRENT_COMMIT'] !== undefined)
    notes.push(`current Optuna commit ${process.env['OPTUNA_CURRENT_COMMIT']}.`);

  const rows: Record<string, string | number>[] = [];
  const hv = new Map<string, number>();
  const ms = new Map<string, number>();
  for (const problem of MO_PROBLEMS) {
    for (const row of reused.rows) {
      if (row['problem'] !== problem.name) continue;
      rows.push(row);
      const key = `${problem.name}/${String(row['sampler'])}`;
      for (const c of CHECKPOINTS) {
        if (typeof row[`hv@${c}`] === 'number') hv.set(`${key}@${c}`, row[`hv@${c}`] as number);
        if (typeof row[`ms/trial@${c}`] === 'number') ms.set(`${key}@${c}`, row[`ms/trial@${c}`] as number);
      }
    }
    for (const [key, list] of runs) {
      if (!key.startsWith(`${problem.name}/`) || list.length === 0) continue;
      const sampler = key.slice(problem.name.length + 1);
      const row: Record<string, string | number> = { problem: problem.name, sampler };
      for (const c of CHECKPOINTS) {
        if ((list[0] as Run).values.length < c) {
          row[`hv@${c}`] = '—';
          continue;
        }
        const h = median(list.map((r) => hypervolumeAt(r, c, problem.nObjectives)));
        hv.set(`${key}@${c}`, h);
        row[`hv@${c}`] = h;
      }
      row['true hv'] = problem.trueHypervolume;
      for (const c of CHECKPOINTS) {
        if ((list[0] as Run).values.length < c) continue;
        const t = median(list.map((r) => msAt(r, c)));
        ms.set(`${key}@${c}`, t);
        row[`ms/trial@${c}`] = t;
      }
      rows.push(row);
    }
  }

  const ratios: Record<string, number> = {};
  const ratio = (label: string, a: number | undefined, b: number | undefined): void => {
    if (a !== undefined && b !== undefined && b > 0) ratios[label] = a / b;
  };
  for (const label of ['optuna-3.1', 'optuna-current']) {
    for (const problem of MO_PROBLEMS) {
      const p = problem.name;
      ratio(
        `nsgaii hv@1000 over ${label} (goal >= 0.9), ${p}`,
        hv.get(`${p}/nsgaii@1000`),
        hv.get(`${p}/${label}-nsgaii@1000`),
      );
      for (const c of [100, 300])
        ratio(`tpe hv@${c} over ${label} (goal >= 1), ${p}`, hv.get(`${p}/tpe@${c}`), hv.get(`${p}/${label}-tpe@${c}`));
      ratio(
        `nsgaii ms/trial@1000 over ${label} (goal < 1), ${p}`,
        ms.get(`${p}/nsgaii@1000`),
        ms.get(`${p}/${label}-nsgaii@1000`),
      );
      ratio(`tpe ms/trial@300 over ${label} (goal < 1), ${p}`, ms.get(`${p}/tpe@300`), ms.get(`${p}/${label}-tpe@300`));
    }
  }
  for (const problem of MO_PROBLEMS) {
    const p = problem.name;
    for (const other of ['nsgaii', 'tpe'])
      ratio(`gp hv@100 over ${other} (goal > 1), ${p}`, hv.get(`${p}/gp@100`), hv.get(`${p}/${other}@100`));
    ratio(`gp hv@100 over optuna-current, ${p}`, hv.get(`${p}/gp@100`), hv.get(`${p}/optuna-current-gp@100`));
    ratio(`gp ms/trial@100 over optuna-current, ${p}`, ms.get(`${p}/gp@100`), ms.get(`${p}/optuna-current-gp@100`));
  }
  return {
    name: 'multi-objective',
    description:
      `Median hypervolume (reference ${REFERENCE} per objective, all objectives minimised) over ${seeds.length} seeds after ` +
      `${CHECKPOINTS.join(', ')} trials, and sampler ms per trial (median over seeds of the mean of the 20 trials before ` +
      `each checkpoint); NSGA-II runs 1,000 trials, TPE 300, GP ${BUDGET['gp']} (default options, ` +
      `LogEHVI). ${partial ? `This run measured ${samplers.join(', ')} (and current Optuna's, if named below) anew; the re-used rows come from a full run. ` : ''}Optuna runs in the background meanwhile, so every column's time shares the cores. ${notes.join(' ')}`,
    rows,
    ratios,
  };
}

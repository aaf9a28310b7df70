/**
 * Side by side with Optuna (issue #17): a study exported by us is loaded by Debian's Optuna 3.1
 * (/usr/bin/python3; `npm run bench:setup` installs it) and must have the same trials, states,
 * params, values, intermediate values, user attributes and best value; a journal Optuna writes
 * (pruning, a failure, an enqueued trial, two objectives) is imported into SQLite and compared
 * the same way back. Rows count mismatching fields; the verdict is a total of zero.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TrialPruned } from '../../src/errors';
import { exportOptunaJournal, importOptunaJournal } from '../../src/interop/optuna-journal';
import { HyperbandPruner } from '../../src/pruners/hyperband';
import { RandomSampler } from '../../src/samplers/random';
import type { Storage } from '../../src/storage/base';
import { SqliteStorage } from '../../src/storage/sqlite';
import { createStudy } from '../../src/study/create-study';
import { silentLogger } from '../../src/util/logger';
import type { BenchResult } from '../result';

// Another Optuna (a checkout, a virtualenv): OPTUNA_PYTHON=/path/to/python npm run bench -- optuna-interop
const PYTHON = process.env['OPTUNA_PYTHON'] ?? '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', '..', '..', 'benchmarks', 'interop', 'optuna_side.py');

interface OptunaTrial {
  number: number;
  state: string;
  params: Record<string, unknown>;
  values: number[] | null;
  intermediate: [number, number][];
  user_attrs: Record<string, unknown>;
}
interface OptunaStudy {
  name: string;
  directions: string[];
  user_attrs: Record<string, unknown>;
  trials: OptunaTrial[];
  best_value?: number | null;
  best_trials?: number[];
}

async function ourStudies(storage: Storage): Promise<void> {
  const common = { storage, logger: silentLogger, heartbeatInterval: 0 };
  const hb = await createStudy({
    ...common,
    studyName: 'ours-hyperband',
    direction: 'minimize',
    sampler: new RandomSampler({ seed: 3 }),
    pruner: new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
  });
  await hb.setUserAttr('dataset', { name: 'synthetic', rows: 1000 });
  await hb.optimize(
    (trial) => {
      const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
      const units = trial.suggestInt('units', 8, 64, { step: 8 });
      const act = trial.suggestCategorical('act', ['relu', 'tanh', null, 3]);
      const drop = trial.suggestFloat('drop', 0, 0.5, { step: 0.1 });
      if (trial.number === 4) throw new Error('diverged');
      const floor = Math.abs(Math.log10(lr) + 2) + (units - 40) ** 2 / 800 + (act === 'relu' ? 0 : 0.3) + drop;
      let loss = floor;
      for (let step = 0; step < 9; step++) {
        loss = floor + 2 / (step + 1);
        trial.report(step === 1 ? Infinity : loss, step);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      trial.setUserAttr('note', { epochs: 9, tag: '<b>x</b>' });
      return loss;
    },
    { nTrials: 30, catch: [Error] },
  );
  await hb.enqueueTrial({ lr: 0.01 });
  const mo = await createStudy({
    ...common,
    studyName: 'ours-mo',
    directions: ['minimize', 'maximize'],
    sampler: new RandomSampler({ seed: 4 }),
  });
  await mo.optimize((t) => [t.suggestFloat('a', 0, 1), t.suggestInt('b', 1, 4)], { nTrials: 12 });
}

/** Field-by-field differences between what Optuna holds and what our storage holds. */
async function compare(optuna: OptunaStudy[], storage: Storage): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  for (const o of optuna) {
    const record = await storage.getStudy(await storage.getStudyIdByName(o.name));
    const trials = await storage.getAllTrials(record.studyId);
    const diff = { trialCount: 0, states: 0, params: 0, values: 0, intermediate: 0, userAttrs: 0, best: 0 };
    if (trials.length !== o.trials.length) diff.trialCount++;
    o.trials.forEach((ot, i) => {
      const t = trials[i];
      if (t === undefined || t.number !== ot.number) return void diff.trialCount++;
      if (t.state !== ot.state) diff.states++;
      if (JSON.stringify(sortKeys(t.params)) !== JSON.stringify(sortKeys(ot.params))) diff.params++;
      if (!sameNumbers(t.values ?? null, ot.values)) diff.values++;
      const ours = [...t.intermediateValues].sort(([a], [b]) => a - b);
      if (!sameNumbers(ours.flat(), ot.intermediate.flat())) diff.intermediate++;
      if (JSON.stringify(sortKeys(t.userAttrs)) !== JSON.stringify(sortKeys(ot.user_attrs))) diff.userAttrs++;
    });
    const directions = record.directions.join(',') === o.directions.join(',') ? 0 : 1;
    if (o.directions.length === 1) {
      const sign = o.directions[0] === 'maximize' ? -1 : 1;
      const done = trials
        .filter((t) => t.state === 'COMPLETE' && t.values !== null)
        .map((t) => t.values?.[0] as number);
      const best = done.length === 0 ? null : sign * Math.min(...done.map((v) => sign * v));
      if (best !== (o.best_value ?? null)) diff.best++;
    } else {
      const { paretoFront } = await import('../../src/study/multi-objective');
      const front = paretoFront(trials, record.directions)
        .map((t) => t.number)
        .sort((a, b) => a - b);
      if (JSON.stringify(front) !== JSON.stringify(o.best_trials)) diff.best++;
    }
    const mismatches = Object.values(diff).reduce((s, n) => s + n, 0) + directions;
    const byState = ['COMPLETE', 'PRUNED', 'FAIL', 'WAITING', 'RUNNING'].map(
      (st) => o.trials.filter((t) => t.state === st).length,
    );
    rows.push({
      study: o.name,
      'trials (complete/pruned/fail/waiting/running)': byState.join('/'),
      ...diff,
      directions,
      mismatches,
    });
  }
  return rows;
}

function sortKeys(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
}

function sameNumbers(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || x === b[i]);
}

function optunaJSON(path: string): { optuna: string; studies: OptunaStudy[] } {
  // Python's json writes NaN / Infinity tokens; only Infinity occurs here, and JSON.parse cannot read it.
  const text = readFileSync(path, 'utf8')
    .replace(/-Infinity/g, '"-Inf"')
    .replace(/Infinity/g, '"Inf"');
  return JSON.parse(text, (_k, v: unknown) => (v === 'Inf' ? Infinity : v === '-Inf' ? -Infinity : v)) as {
    optuna: string;
    studies: OptunaStudy[];
  };
}

export async function optunaInterop(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'optuna-interop-'));
  try {
    // Ours -> Optuna.
    const ours = new SqliteStorage(join(dir, 'ours.db'));
    await ourStudies(ours);
    const journal = join(dir, 'ours.log');
    writeFileSync(journal, await exportOptunaJournal(ours));
    execFileSync(PYTHON, [SCRIPT, 'dump', journal, join(dir, 'ours-seen-by-optuna.json')]);
    const seen = optunaJSON(join(dir, 'ours-seen-by-optuna.json'));
    const forward = (await compare(seen.studies, ours)).map((r) => ({
      direction: `tfjs-tune -> Optuna ${seen.optuna}`,
      ...r,
    }));
    await ours.close();

    // Optuna -> ours.
    const theirs = join(dir, 'optuna.log');
    execFileSync(PYTHON, [SCRIPT, 'write', theirs, join(dir, 'optuna.json')]);
    const written = optunaJSON(join(dir, 'optuna.json'));
    const imported = new SqliteStorage(join(dir, 'imported.db'));
    await importOptunaJournal(imported, readFileSync(theirs, 'utf8'));
    const backward = (await compare(written.studies, imported)).map((r) => ({
      direction: `Optuna ${written.optuna} -> tfjs-tune SQLite`,
      ...r,
    }));
    await imported.close();

    const rows: Record<string, string | number>[] = [...forward, ...backward];
    return {
      name: 'optuna-interop',
      description:
        'studies exported as an Optuna journal and loaded by Optuna, and Optuna journals imported into SQLite: mismatching trials, states, params, values, intermediate values, user attributes, best value / Pareto set',
      rows,
      ratios: { totalMismatches: rows.reduce((s, r) => s + (r.mismatches as number), 0), studiesCompared: rows.length },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

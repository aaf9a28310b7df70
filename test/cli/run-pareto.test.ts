import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const base = { model: 'mlp', dataset: 'synthetic-tabular', metric: ['val_acc', 'params'] };
const check = (extra: Record<string, unknown>) => () => validateConfig({ ...base, ...extra }, { studyFromFile: 's' });

describe('tfjs-tune run with several metrics', () => {
  it('reads a list of metrics, and refuses what needs one ranking, naming the key and what is allowed', () => {
    const c = validateConfig(base, { studyFromFile: 's' });
    expect(c.objectives).toEqual([
      { name: 'val_acc', goal: 'maximize' },
      { name: 'params', goal: 'minimize' },
    ]);
    expect(c.metric).toEqual(c.objectives[0]);
    expect(check({ scheduler: { type: 'asha' }, method: 'random' })).toThrow(
      /scheduler: .*left out with several metrics/,
    );
    expect(check({ ensemble: { size: 3 } })).toThrow(/ensemble: .*left out with several metrics/);
    expect(check({ refit: true })).toThrow(/refit: .*false with several metrics/);
    expect(check({ method: 'cmaes' })).toThrow(
      /method: got "cmaes"; expected one of random, grid, qmc, tpe, gp, nsgaii, nsgaiii, auto/,
    );
    expect(check({ pruner: { type: 'median' } })).toThrow(
      /pruner\.type: got "median"; expected dominated \(or no pruner\)/,
    );
    expect(check({ metric: ['params', 'val_acc'] })).toThrow(
      /metric\[0\]\.name: got "params"; expected a metric of the fit first/,
    );
    expect(check({ metric: ['val_acc'] })).toThrow(/metric: .*a list of two or more metrics/);
    expect(check({ metric: ['val_acc', 'val_acc'] })).toThrow(/"val_acc" is listed twice/);
    expect(check({ metric: ['val_acc', { name: 'params', goal: 'smaller' }] })).toThrow(
      /metric\[1\]\.goal: got "smaller"; expected one of maximize, minimize/,
    );
    expect(check({ pruner: { type: 'dominated', minDominatedFraction: 2 } })).toThrow(/pruner\.minDominatedFraction/);
  });

  it('runs a multi-objective study: values per metric, the Pareto front in the summary, evaluate on its best val_acc', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pareto-'));
    try {
      const file = join(dir, 'pareto.yaml');
      writeFileSync(
        file,
        [
          'study: pareto',
          'model: mlp',
          'dataset: { name: synthetic-tabular, n: 120, nFeatures: 5, nInformative: 3, classes: 2, seed: 1, testFraction: 0.25 }',
          'metric: [val_acc, params, { name: inference_ms, goal: minimize }]',
          'method: tpe',
          'parameters:',
          '  num_layers: { min: 1, max: 2, distribution: int_uniform }',
          '  units_0: { values: [4, 16, 64] }',
          '  batch_size: { value: 32 }',
          'epochs: 2',
          'pruner: { type: dominated, nStartupTrials: 2, nWarmupSteps: 0 }',
          'trials: 4',
          'seed: 3',
        ].join('\n'),
      );
      const storage = `sqlite:${join(dir, 'p.db')}`;
      const r = await cli(['run', file, '--storage', storage, '--workers', '1', '--json']);
      if (r.code !== 0) throw new Error(r.err + r.out);
      const summary = JSON.parse(r.out) as {
        best: { number: number; value: number };
        paretoFront: { number: number; values: Record<string, number> }[];
      };
      const study = await tune.loadStudy({ studyName: 'pareto', storage, logger: tune.logging.silentLogger });
      try {
        expect(study.directions).toEqual(['maximize', 'minimize', 'minimize']);
        const complete = study.getTrials({ states: ['COMPLETE'] });
        expect(complete.length).toBeGreaterThan(0);
        for (const t of complete) {
          expect(t.values).toHaveLength(3);
          expect(t.values?.[1]).toBe(t.userAttrs['params']);
          expect(t.values?.[2]).toBeGreaterThan(0);
        }
        // The front is the study's own, each point with a value per metric, no point dominated by a trial.
        expect(summary.paretoFront.map((p) => p.number).sort()).toEqual(study.bestTrials.map((t) => t.number).sort());
        for (const p of summary.paretoFront)
          expect(Object.keys(p.values)).toEqual(['val_acc', 'params', 'inference_ms']);
        const bestAcc = Math.max(...complete.map((t) => t.values?.[0] as number));
        expect(summary.best.value).toBe(bestAcc);
      } finally {
        await study.storage.close();
      }
      const text = await cli(['evaluate', 'pareto', '--storage', storage, '--json']);
      if (text.code !== 0) throw new Error(text.err + text.out);
      expect((JSON.parse(text.out) as { trial: number }).trial).toBe(summary.best.number);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

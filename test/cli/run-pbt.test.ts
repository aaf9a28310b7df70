import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';
import { InvalidConfigError } from '../../src/cli/config/pbt-block';
import { jobRecordOf } from '../../src/schedulers/pbt/job-record';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const config = (scheduler: string, extra = '') => `
study: pbt-tab
model: mlp
dataset: { name: synthetic-tabular, n: 160, nFeatures: 6, nInformative: 3, classes: 2 }
metric: { name: val_acc, goal: maximize }
parameters:
  learning_rate: { min: 0.001, max: 0.05, distribution: log_uniform }
  num_layers: { value: 1 }
  units_0: { value: 16 }
  batch_size: { value: 32 }
  optimizer: { value: adam }
  dropout: { value: 0 }
  batch_norm: { value: false }
epochs: 3
seed: 5
scheduler: ${scheduler}
${extra}`;

describe('tfjs-tune run with scheduler: { type: pbt }', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-run-pbt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validates the block whole: every bad field in one error, nothing created in storage', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(
      cfg,
      config(
        '{ type: pbt, populationSize: 1, perturbationInterval: 0, quantileFraction: 0.7, resampleProbability: 2, hyperparamMutations: [learning_rate, units_0, momentum], synchronous: true }',
        'trials: 4\nmethod: tpe',
      ),
    );
    const r = await cli(['run', cfg, '--storage', `sqlite:${join(dir, 'x.db')}`]);
    expect(r.code).toBe(2);
    for (const field of [
      'scheduler.synchronous',
      'scheduler.populationSize',
      'scheduler.perturbationInterval',
      'scheduler.quantileFraction',
      'scheduler.resampleProbability',
      'scheduler.hyperparamMutations.momentum',
      'scheduler.hyperparamMutations.units_0',
      'trials',
      'method',
    ])
      expect(r.err).toContain(`  ${field}: got`);
    expect(r.err).toMatch(/9 problems/);
    expect(r.err).toMatch(
      /units_0: got "units_0"; expected a parameter a live model can change .*changes the architecture/,
    );
    expect(r.err).toMatch(/momentum: got "momentum"; expected a parameter of model mlp: one of .*learning_rate/);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
    let parsed: unknown = null;
    try {
      validateConfig(
        {
          model: 'mlp',
          dataset: 'synthetic-tabular',
          scheduler: { type: 'pbt', populationSize: 2, perturbationInterval: 1 },
        },
        { studyFromFile: 's' },
      );
    } catch (e) {
      parsed = e;
    }
    expect(parsed).toBeInstanceOf(InvalidConfigError);
    expect((parsed as InvalidConfigError).problems.map((p) => p.field)).toEqual(['scheduler.hyperparamMutations']);
  });

  it('reads scheduler: { type: pb2 } as the same block with PB2’s explore, checked the same way', () => {
    const raw = (block: Record<string, unknown>) => ({
      model: 'mlp',
      dataset: 'synthetic-tabular',
      scheduler: { populationSize: 2, perturbationInterval: 1, hyperparamMutations: ['learning_rate'], ...block },
    });
    const config = validateConfig(raw({ type: 'pb2' }), { studyFromFile: 's' });
    expect(config.pbt?.type).toBe('pb2');
    expect(validateConfig(raw({ type: 'pbt' }), { studyFromFile: 's' }).pbt?.type).toBe('pbt');
    expect(() => validateConfig(raw({ type: 'pb2', quantileFraction: 0.9 }), { studyFromFile: 's' })).toThrow(
      /scheduler\.quantileFraction/,
    );
    expect(() => validateConfig(raw({ type: 'pb3' }), { studyFromFile: 's' })).toThrow(/hyperband, asha, pbt, pb2/);
  });

  it('runs the population to its budget, prints the best member’s lineage, and one seed repeats the run', async () => {
    const cfg = join(dir, 'pbt.yaml');
    writeFileSync(
      cfg,
      config('{ type: pbt, populationSize: 3, perturbationInterval: 1, hyperparamMutations: [learning_rate] }'),
    );
    const runs: tune.FrozenTrial[][] = [];
    for (const name of ['a', 'b']) {
      const storage = `sqlite:${join(dir, `${name}.db`)}`;
      const r = await cli(['run', cfg, '--storage', storage, '--quiet', '--workers', '1']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/done: 9 trials in study "pbt-tab" \(9 complete, 0 failed\)/);
      expect(r.out).toMatch(/lineage of the best member:\n {2}epochs 0-1: trial \d+, member \d/);
      const study = await tune.loadStudy({ studyName: 'pbt-tab', storage, logger: tune.logging.silentLogger });
      runs.push(study.trials);
      await study.storage.close();
    }
    const view = (ts: tune.FrozenTrial[]) => ts.map((t) => [t.params, t.value, jobRecordOf(t)]);
    expect(view(runs[1]!)).toEqual(view(runs[0]!));
    // Checkpoints: only the members' last states are kept, beside the database.
    const kept = readdirSync(join(dir, 'tfjs-tune-checkpoints', 'pbt-tab')).filter((n) => n.startsWith('trial_'));
    expect(kept.length).toBeLessThanOrEqual(3);
  });

  it('trains on worker threads: a synchronous run on 2 workers equals the same run in one process', async () => {
    // Synchronous PBT decides at a barrier, so which thread trained which interval cannot change
    // the run: equal values prove every exploit's donor state (weights, Adam slots, dropout
    // streams) crossed between threads exactly.
    const cfg = join(dir, 'pbt-sync.yaml');
    writeFileSync(
      cfg,
      config(
        '{ type: pbt, populationSize: 4, perturbationInterval: 1, hyperparamMutations: [learning_rate], synch: true, quantileFraction: 0.5 }',
      ).replace('dropout: { value: 0 }', 'dropout: { value: 0.3 }'), // the mask streams move too
    );
    const runs: tune.FrozenTrial[][] = [];
    for (const workers of ['1', '2']) {
      const storage = `sqlite:${join(dir, `w${workers}.db`)}`;
      const r = await cli(['run', cfg, '--storage', storage, '--workers', workers]);
      expect(r.code).toBe(0);
      expect(r.err).toContain(workers === '1' ? 'members train in this process' : '2 worker threads');
      expect(r.err.match(/^trial \d+: member \d/gm)?.length).toBe(12);
      const study = await tune.loadStudy({ studyName: 'pbt-tab', storage, logger: tune.logging.silentLogger });
      runs.push(study.trials);
      await study.storage.close();
    }
    const byJob = (ts: tune.FrozenTrial[]) =>
      ts
        .map((t) => ({ record: jobRecordOf(t), value: t.value, params: t.params, state: t.state }))
        .sort(
          (a, b) =>
            (a.record?.member ?? 0) - (b.record?.member ?? 0) ||
            (a.record?.fromEpoch ?? 0) - (b.record?.fromEpoch ?? 0),
        );
    const [one, two] = [byJob(runs[0]!), byJob(runs[1]!)];
    expect(two.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(two.filter((t) => t.record?.exploit !== undefined).length).toBeGreaterThan(0);
    expect(two.map((t) => [t.params, t.value])).toEqual(one.map((t) => [t.params, t.value]));
  });
});

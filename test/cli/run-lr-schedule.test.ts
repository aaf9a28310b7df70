import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';

const config = (extra: string): string => `
study: sched
model: mlp
dataset: { name: synthetic-tabular, n: 160, nFeatures: 4, nInformative: 2, classes: 2 }
method: random
parameters:
  num_layers: { value: 1 }
  batch_size: { value: 32 }
epochs: 3
trials: 2
seed: 3
${extra}`;

describe('lrSchedule in a run config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-lr-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves each trial from its own learning rate along the schedule, logs it, and the report draws it', async () => {
    const cfg = join(dir, 'run.yaml');
    writeFileSync(cfg, config('lrSchedule: { type: cosine, alpha: 0.1 }'));
    const storage = `sqlite:${join(dir, 'runs.db')}`;
    let err = '';
    const code = await main(['run', cfg, '--storage', storage, '--workers', '1', '--quiet'], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    const study = await tune.loadStudy({ studyName: 'sched', storage, logger: tune.logging.silentLogger });
    try {
      expect(study.trials).toHaveLength(2);
      for (const t of study.trials) {
        const lr0 = t.params['learning_rate'] as number;
        // Cosine over the run's 3 epochs down to alpha * lr0: factors 1, 0.1 + 0.9 * 0.75, 0.1 + 0.9 * 0.25.
        const want = [1, 0.775, 0.325].map((f) => f * lr0);
        const got = (t.systemAttrs['epoch_log'] as Record<string, number>[]).map((e) => e['lr'] as number);
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 12));
        expect(got).toHaveLength(3);
        expect(t.systemAttrs['run_info']).toMatchObject({ scheduled: ['lr'] });
      }
      const html = await tune.report.renderHTML(study);
      expect(html).toContain('Learning-rate and parameter schedules');
    } finally {
      await study.storage.close();
    }
  }, 120_000);

  it('is checked whole before any work starts, naming the key and the allowed values', () => {
    const base = {
      model: 'mlp',
      dataset: 'synthetic-tabular',
      epochs: 2,
      trials: 1,
    };
    const check =
      (lrSchedule: unknown, extra: Record<string, unknown> = {}) =>
      () =>
        validateConfig({ ...base, ...extra, lrSchedule }, { studyFromFile: 'x' });
    expect(check({ type: 'cosine', period: 4, warmupEpochs: 1 })().lrSchedule).toMatchObject({
      type: 'cosine',
      period: 4,
    });
    expect(check({ type: 'linear' })).toThrow(
      /^lrSchedule\.type: got "linear"; expected one of cosine, exponential, step/,
    );
    expect(check({ type: 'step', factor: 0.1 })).toThrow(/^lrSchedule\.dropEvery: .*an integer >= 1/);
    expect(check({ type: 'exponential', decayRate: 0.9, dropEvery: 2 })).toThrow(
      /^lrSchedule\.dropEvery: .*a known key: one of type, decayRate, decaySteps, staircase/,
    );
    expect(check({ type: 'cosine', alpha: 2 })).toThrow(/^lrSchedule\.alpha: .*from 0 to 1/);
    expect(check({ type: 'cosine', periodMultiplier: 2 })).toThrow(
      /^lrSchedule\.periodMultiplier: .*unless warmRestarts/,
    );
    expect(check('cosine')).toThrow(/^lrSchedule: .*\{ type: cosine \| exponential \| step/);
    expect(
      check(
        { type: 'cosine' },
        {
          model: 'cnn',
          dataset: { name: 'synthetic-cifar', nTrain: 64, nVal: 32 },
          trials: undefined,
          scheduler: {
            type: 'pbt',
            populationSize: 2,
            perturbationInterval: 1,
            hyperparamMutations: ['learning_rate'],
          },
        },
      ),
    ).toThrow(/^lrSchedule: .*left out with scheduler pbt/);
  });
});

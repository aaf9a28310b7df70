import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { parseDuration } from '../../src/cli/config/duration';
import { configuredModel, loadConfiguredData, prepareConfiguredData } from '../../src/cli/config/resolve';
import { validateConfig } from '../../src/cli/config/schema';
import { checkParameterNames } from '../../src/cli/config/space';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const base = {
  model: 'auto',
  dataset: { name: 'synthetic-tabular', n: 240, nFeatures: 6, nInformative: 3, classes: 2 },
  epochs: 2,
};

describe('model: auto, timeBudget and ensemble in configs', () => {
  it('timeBudget takes seconds or durations (30s, 10m, 2h, 1h30m); timeout is the same setting', () => {
    expect(parseDuration('30s', 'timeBudget')).toBe(30);
    expect(parseDuration('10m', 'timeBudget')).toBe(600);
    expect(parseDuration('2h', 'timeBudget')).toBe(7200);
    expect(parseDuration('1h30m', 'timeBudget')).toBe(5400);
    expect(parseDuration(45, 'timeBudget')).toBe(45);
    expect(parseDuration('90', 'timeBudget')).toBe(90);
    for (const bad of ['10 minutes', '5d', '', 0, -3, '0s', true])
      expect(() => parseDuration(bad, 'timeBudget')).toThrow(
        /^timeBudget: got .*; expected seconds > 0, or a duration/,
      );
    const valid = (extra: object) => validateConfig({ ...base, ...extra }, { studyFromFile: 'x' });
    expect(valid({ timeBudget: '10m' }).timeout).toBe(600);
    expect(valid({ timeout: 20 }).timeout).toBe(20);
    expect(valid({}).timeout).toBeNull();
    expect(() => valid({ timeBudget: '10m', timeout: 5 })).toThrow(
      /^timeout: got 5; expected left out when timeBudget/,
    );
    expect(() => valid({ timeBudget: 'soon' })).toThrow(/^timeBudget: got "soon"/);
  });

  it('ensemble: true | { size, topK }; refused with PBT, as is model: auto', () => {
    const valid = (extra: object) => validateConfig({ ...base, ...extra }, { studyFromFile: 'x' });
    expect(valid({}).ensemble).toBeNull();
    expect(valid({ ensemble: true }).ensemble).toEqual({ size: 50, topK: 10 });
    expect(valid({ ensemble: { topK: 3 } }).ensemble).toEqual({ size: 50, topK: 3 });
    expect(() => valid({ ensemble: { sizes: 3 } })).toThrow(/^ensemble\.sizes/);
    expect(() => valid({ ensemble: { size: 0 } })).toThrow(/^ensemble\.size: got 0/);
    const pbt = {
      type: 'pbt',
      populationSize: 2,
      perturbationInterval: 1,
      hyperparamMutations: ['learning_rate'],
    };
    expect(() => valid({ scheduler: pbt })).toThrow(/^model: got "auto"; expected left out with scheduler pbt/);
    expect(() => valid({ model: 'mlp', ensemble: true, scheduler: pbt })).toThrow(/^ensemble: got true/);
  });

  it('model: auto resolves by the data: its parameters are prefixed and parameters.model must name a family', async () => {
    const config = validateConfig(
      {
        ...base,
        dataset: { name: 'synthetic-imdb', nTrain: 20, nVal: 10 },
        parameters: { 'lstm.units': { value: 8 } },
      },
      { studyFromFile: 'x' },
    );
    const data = await loadConfiguredData(config.dataset, 0);
    expect(() => checkParameterNames(configuredModel(config, data), config)).not.toThrow();
    const typo = { ...config, parameters: { units: { kind: 'value' as const, value: 8 } } };
    expect(() => checkParameterNames(configuredModel(typo, data), typo)).toThrow(
      /^parameters\.units: .*one of .*lstm\.units/,
    );
    const wrong = { ...config, parameters: { model: { kind: 'values' as const, values: ['lstm', 'cnn'] } } };
    expect(() => configuredModel(wrong, data)).toThrow(
      /^parameters\.model\.values\[1\]: got "cnn"; expected one of lstm, bag-of-embeddings \(the families for tokens data\)/,
    );
  });
});

describe('tfjs-tune run with model: auto and an ensemble', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-auto-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('picks mlp for a table, ends at `trials` before the time budget, and saves an ensemble no worse than its best member', async () => {
    const cfg = join(dir, 'auto.yaml');
    writeFileSync(
      cfg,
      [
        'study: auto',
        'model: auto',
        'dataset: { name: synthetic-tabular, n: 300, nFeatures: 6, nInformative: 3, classes: 3, testFraction: 0.2 }',
        'method: tpe',
        'epochs: 3',
        'trials: 4',
        'timeBudget: 10m',
        'ensemble: { size: 20, topK: 4 }',
        'seed: 3',
        '',
      ].join('\n'),
    );
    const storage = `sqlite:${join(dir, 'auto.db')}`;
    const r = await cli(['run', cfg, '--storage', storage, '--workers', '1', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as {
      counts: { total: number };
      ensemble: {
        path: string;
        checkpoint: string;
        members: { trial: number; weight: number }[];
        validation: { accuracy: number };
        bestSingle: { trial: number; score: { accuracy: number } };
      };
    };
    expect(summary.counts.total).toBe(4);
    const study = await tune.loadStudy({ studyName: 'auto', storage, logger: tune.logging.silentLogger });
    for (const t of study.trials) {
      expect(t.params['model']).toBe('mlp');
      for (const name of Object.keys(t.params)) if (name !== 'model') expect(name.startsWith('mlp.')).toBe(true);
    }
    const { ensemble } = summary;
    expect(ensemble.validation.accuracy).toBeGreaterThanOrEqual(ensemble.bestSingle.score.accuracy);
    expect(ensemble.bestSingle.score.accuracy).toBeCloseTo(study.bestValue, 5);
    expect(ensemble.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 9);

    // The saved ensemble is used like one model: it reloads and scores as the run said.
    await tune.initBackend();
    const before = tf.memory().numTensors;
    const loaded = await tune.ensemble.load(ensemble.path);
    // The run trained on its encoded parts (preprocessing fitted on train), as the ensemble scores them.
    const { data } = await prepareConfiguredData(
      validateConfig(
        {
          ...base,
          dataset: { name: 'synthetic-tabular', n: 300, nFeatures: 6, nInformative: 3, classes: 3, testFraction: 0.2 },
        },
        { studyFromFile: 'x' },
      ).dataset,
      3,
    );
    expect(loaded.score(data.val).accuracy).toBeCloseTo(ensemble.validation.accuracy, 6);
    loaded.dispose();
    const { model } = await tune.checkpoints.loadCheckpoint(ensemble.checkpoint, { compile: false });
    expect(model.name).toBe('ensemble');
    tune.models.disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);

    // `evaluate` scores the model the run ended with, the ensemble, on raw rows it encodes itself.
    const ev = await cli(['evaluate', 'auto', '--storage', storage, '--json']);
    expect(ev.err).toBe('');
    expect(ev.code).toBe(0);
    const scored = JSON.parse(ev.out) as {
      ensemble: boolean;
      checkpoint: string;
      trial: number;
      scores: { n: number; accuracy: number };
    };
    expect(scored.ensemble).toBe(true);
    expect(scored.checkpoint).toBe(ensemble.checkpoint);
    expect(scored.trial).toBe(ensemble.bestSingle.trial);
    const test = data.test;
    if (test === undefined) throw new Error('the config cuts a test part');
    expect(scored.scores.n).toBe(test.y.length);
    const reloaded = await tune.ensemble.load(ensemble.path);
    expect(scored.scores.accuracy).toBeCloseTo(reloaded.score(test).accuracy as number, 6);
    reloaded.dispose();
  }, 180_000);
});

import * as tune from '../../src';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { loadConfig } from '../../src/cli/config/load-config';
import { validateConfig } from '../../src/cli/config/schema';
import { checkParameterNames, gridFromConfig } from '../../src/cli/config/space';
import { ZOO, configuredModel, loadConfiguredData, prunerFor, samplerFor } from '../../src/cli/config/resolve';
import { HyperbandPruner } from '../../src/pruners/hyperband';
import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving';
import { GPSampler } from '../../src/samplers/gp';
import { resolveObjective } from '../../src/training/objective-spec';

const good = {
  model: 'cnn',
  dataset: { name: 'synthetic-cifar', nTrain: 100, nVal: 50 },
  metric: { name: 'val_acc', goal: 'maximize' },
  method: 'random',
  parameters: { learning_rate: { min: 1e-4, max: 1e-2, distribution: 'log_uniform' }, filters: { values: [8, 16] } },
  epochs: 2,
  trials: 3,
};

function check(raw: unknown): void {
  const config = validateConfig(raw, { studyFromFile: 'x' });
  checkParameterNames(ZOO[config.model as keyof typeof ZOO], config);
  if (config.method === 'grid') gridFromConfig(config);
}

describe('tfjs-tune run config validation', () => {
  it('accepts a good config and fills the defaults', () => {
    const c = validateConfig(good, { studyFromFile: 'from-file' });
    expect(c.study).toBe('from-file');
    expect(c.storage).toBe('sqlite:./tfjs-tune.db');
    expect(c.pruner.type).toBe('none');
    expect(c.parameters['filters']).toEqual({ kind: 'values', values: [8, 16] });
    expect(() => check(good)).not.toThrow();
  });

  it('resolves methods and pruners to the samplers and pruners they name', () => {
    const pruner = (p: Record<string, unknown>): tune.pruners.Pruner =>
      prunerFor(validateConfig({ ...good, pruner: p, epochs: 9 }, { studyFromFile: 'x' }));
    expect(pruner({ type: 'successive-halving', minResource: 2 })).toBeInstanceOf(SuccessiveHalvingPruner);
    const hb = validateConfig(
      { ...good, method: 'gp', pruner: { type: 'hyperband' }, epochs: 9 },
      { studyFromFile: 'x' },
    );
    expect(prunerFor(hb)).toBeInstanceOf(HyperbandPruner);
    expect(samplerFor(hb)).toBeInstanceOf(GPSampler);
    const method = (m: string) => samplerFor(validateConfig({ ...good, method: m }, { studyFromFile: 'x' }));
    expect(method('nsgaii')).toBeInstanceOf(tune.samplers.NSGAIISampler);
    expect(method('nsgaiii')).toBeInstanceOf(tune.samplers.NSGAIIISampler);
    expect(method('auto')).toBeInstanceOf(tune.samplers.AutoSampler);
    expect(pruner({ type: 'median', nStartupTrials: 2 })).toBeInstanceOf(tune.pruners.MedianPruner);
    expect(pruner({ type: 'percentile', percentile: 10 })).toBeInstanceOf(tune.pruners.PercentilePruner);
    expect(pruner({ type: 'patient', patience: 2 })).toBeInstanceOf(tune.pruners.PatientPruner);
    expect(pruner({ type: 'threshold', lower: 0.2 })).toBeInstanceOf(tune.pruners.ThresholdPruner);
    expect(pruner({ type: 'nop' })).toBeInstanceOf(tune.pruners.NopPruner);
  });

  it("infers a metric's goal from its name as the tuners do: accuracy-like names up, losses and model metrics down", () => {
    const c = validateConfig({ ...good, metric: ['val_f1', { name: 'val_loss' }, 'params'] }, { studyFromFile: 'x' });
    expect(c.objectives.map((m) => m.goal)).toEqual(['maximize', 'minimize', 'minimize']);
    expect(c.objectives.map((m) => m.goal)).toEqual(
      ['val_f1', 'val_loss', 'params'].map((name) => resolveObjective(name).direction),
    );
  });

  it.each([
    [{ ...good, modle: 'cnn' }, /^modle: .*a known key/],
    [{ ...good, model: 'resnet' }, /^model: got "resnet"; expected one of mlp, cnn, lstm/],
    [{ ...good, dataset: 'mnist' }, /^dataset: got "mnist"/],
    [{ ...good, dataset: { name: 'synthetic-cifar', ntrain: 5 } }, /^dataset\.ntrain/],
    [{ ...good, dataset: { csv: 'x.csv' } }, /^dataset\.label/],
    [
      { ...good, metric: { name: 'val_acc', goal: 'up' } },
      /^metric\.goal: got "up"; expected one of maximize, minimize/,
    ],
    [
      { ...good, method: 'bayes' },
      /^method: got "bayes"; expected one of random, grid, tpe, qmc, gp, cmaes, evolution/,
    ],
    [{ ...good, parameters: { learning_rate: { min: 1, max: 0.1 } } }, /^parameters\.learning_rate\.min/],
    [
      { ...good, parameters: { learning_rate: { min: 0, max: 0.1, distribution: 'log_uniform' } } },
      /^parameters\.learning_rate\.min.*> 0 for log_uniform/,
    ],
    [
      { ...good, parameters: { learning_rate: { min: 0, max: 1, distribution: 'normal' } } },
      /^parameters\.learning_rate\.distribution: got "normal"/,
    ],
    [{ ...good, parameters: { filters: { values: [] } } }, /^parameters\.filters\.values/],
    [
      { ...good, parameters: { lerning_rate: { value: 0.1 } } },
      /^parameters\.lerning_rate: .*a parameter of model cnn: one of .*learning_rate/,
    ],
    [{ ...good, epochs: 0 }, /^epochs: got 0; expected an integer >= 1/],
    [{ ...good, trials: 2.5 }, /^trials: got 2.5/],
    [{ ...good, pruner: { type: 'hyperbandx' } }, /^pruner\.type/],
    [{ ...good, pruner: { type: 'percentile', percentile: 150 } }, /^pruner\.percentile/],
    [{ ...good, earlyStopping: { patience: -1 } }, /^earlyStopping\.patience/],
    [{ ...good, method: 'grid' }, /^parameters\.learning_rate\.distribution.*under method: grid/],
    [{ ...good, workers: 0 }, /^workers/],
    [
      { ...good, pruner: { type: 'successive-halving', reductionFactor: 1 } },
      /^pruner\.reductionFactor: got 1; expected an integer >= 2/,
    ],
    [
      { ...good, pruner: { type: 'median', patience: 2 } },
      /^pruner\.patience: .*a known key: one of type, nStartupTrials/,
    ],
    [{ ...good, pruner: { type: 'threshold' } }, /^pruner\.lower: .*threshold needs at least one/],
    [{ ...good, pruner: { type: 'patient' } }, /^pruner\.patience: got undefined/],
    [[1, 2], /^config: /],
  ])('refuses bad config %#, naming the key', (raw, message) => {
    expect(() => check(raw)).toThrow(message);
  });
});

describe('the shipped example configs', () => {
  const dir = join(__dirname, '..', '..', 'examples');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  it.each(files)('%s is a valid config', async (file) => {
    const config = loadConfig(join(dir, file));
    // As `run` checks it: `model: auto` picks its families from the data's kind.
    const model =
      config.model === 'auto'
        ? configuredModel(config, await loadConfiguredData(config.dataset, config.seed))
        : ZOO[config.model];
    expect(() => checkParameterNames(model, config)).not.toThrow();
  });
  it('include ASHA with promotions and BOHB', () => {
    const types = files.map((f) => loadConfig(join(dir, f)).scheduler.type);
    expect(types).toEqual(expect.arrayContaining(['asha', 'hyperband', 'none']));
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import * as advanced from '../../src/advanced';
import { slotOf } from '../../src/trial/hyperband-slot';
import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { syntheticImdb } from '../../datasets/synthetic-imdb';
import { syntheticTabular } from '../../datasets/synthetic-tabular';
import { trainValTestSplit } from '../../datasets/splits';
import { auto, dataKindOf } from '../../models/auto';
import type { CategoricalChoice } from '../../src/space/distributions';
import type { Params, SuggestApi } from '../../src/training/hyper-model';
import { disposeModel } from '../../src/training/dispose-model';

const tabular = trainValTestSplit(
  syntheticTabular({ nVal: 0, nTrain: 200, nFeatures: 6, nInformative: 3, classes: 3, seed: 1 }).train,
  {
    valFraction: 0.25,
    seed: 1,
  },
);
const images = syntheticCifar({ nTrain: 48, nVal: 24, seed: 1, classes: 2 });
const tokens = syntheticImdb({ nTrain: 48, nVal: 24, seed: 1, vocabSize: 100, maxLen: 16 });

/** A SuggestApi that records every name and picks the first choice / the low end. */
function recorder(family?: string): { api: SuggestApi; names: string[] } {
  const names: string[] = [];
  const api: SuggestApi = {
    suggestFloat: (name, low) => (names.push(name), low),
    suggestInt: (name, low) => (names.push(name), low),
    suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]): T => {
      names.push(name);
      if (name === 'model' && family !== undefined) return family as T;
      return choices[0] as T;
    },
  };
  return { api, names };
}

describe('tune.models.auto: model selection across the zoo', () => {
  beforeAll(async () => {
    await tune.initBackend();
  });

  it('picks the families per kind of data: tabular → mlp, images → cnn and mlp, tokens → lstm and bag of embeddings', () => {
    expect(dataKindOf(tabular)).toBe('tabular');
    expect(dataKindOf(images)).toBe('images');
    expect(dataKindOf(tokens)).toBe('tokens');
    const familiesOf = (m: tune.HyperModel): unknown[] => {
      const seen: unknown[] = [];
      m.space({
        suggestFloat: (_n, low) => low,
        suggestInt: (_n, low) => low,
        suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]): T => {
          if (name === 'model') seen.push(...choices);
          return choices[0] as T;
        },
      });
      return seen;
    };
    expect(familiesOf(auto(tabular))).toEqual(['mlp']);
    expect(familiesOf(auto(images))).toEqual(['cnn', 'mlp']);
    expect(familiesOf(auto(tokens))).toEqual(['lstm', 'bag-of-embeddings']);
    expect(familiesOf(tune.models.auto(images, { families: ['mlp'] }))).toEqual(['mlp']);
    expect(() => auto(tabular, { families: ['cnn'] })).toThrow(/families\[0\].*"cnn".*one of mlp \(for tabular data\)/);
  });

  it('suggests the family first, then only that family’s parameters under prefixed names', () => {
    const model = auto(images);
    const asCnn = recorder('cnn');
    const params = model.space(asCnn.api);
    expect(asCnn.names[0]).toBe('model');
    expect(asCnn.names.slice(1).every((n) => n.startsWith('cnn.'))).toBe(true);
    expect(asCnn.names).toContain('cnn.filters');
    // The params build reads: the family's plain names, plus the family.
    expect(params['model']).toBe('cnn');
    expect(params['filters']).toBe(8);
    expect(params['batch_size']).toBe(32);
    const asMlp = recorder('mlp');
    model.space(asMlp.api);
    expect(asMlp.names.slice(1).every((n) => n.startsWith('mlp.'))).toBe(true);
    // Defaults cover every family's parameters, prefixed (a grid fixes what it does not list).
    expect(model.defaults['model']).toBe('cnn');
    expect(model.defaults['mlp.units_0']).toBe(128);
    expect(model.defaults['cnn.filters']).toBe(16);
  });

  it('builds from the plain or the stored (prefixed) params; an unknown family names the allowed ones', () => {
    const model = auto(images);
    const context = { inputShape: [32, 32, 3], numClasses: 2, seed: 1 };
    const base = tf.memory().numTensors;
    const stored: Params = { model: 'mlp', 'mlp.num_layers': 1, 'mlp.units_0': 7, 'cnn.filters': 8 };
    const built = model.build(stored, context);
    const dense = built.layers.filter((l) => l.getClassName().includes('Dense'));
    expect((dense[0]?.getConfig() as { units: number }).units).toBe(7);
    disposeModel(built);
    expect(tf.memory().numTensors).toBe(base);
    expect(() => model.build({ model: 'lstm' }, context)).toThrow(/params\.model.*"lstm".*one of cnn, mlp/);
    expect(() => dataKindOf({ train: { ...tabular.train, xShape: [3] } } as never)).toThrow(/data\.xShape/);
  });

  it('a study over auto with TPE trains both families on images, leaves numTensors at baseline, and repeats with its seed', async () => {
    const data = syntheticCifar({ nTrain: 32, nVal: 16, seed: 2, classes: 2 });
    const run = async (): Promise<tune.FrozenTrial[]> => {
      const model = auto(data);
      const objective = tune.models.objectiveFor(model, data, { epochs: 1 });
      const study = await tune.createStudy({
        direction: objective.direction,
        seed: 5,
        sampler: new tune.samplers.TPESampler({ seed: 5, nStartupTrials: 3 }),
        pruner: new tune.pruners.MedianPruner({ nStartupTrials: 2 }),
        logger: tune.logging.silentLogger,
      });
      const base = tf.memory().numTensors;
      const counts: number[] = [];
      await study.optimize(objective, { nTrials: 6, callbacks: [() => void counts.push(tf.memory().numTensors)] });
      expect(counts).toEqual(new Array(6).fill(base));
      return study.trials;
    };
    const first = await run();
    expect(first.every((t) => t.state === 'COMPLETE' || t.state === 'PRUNED')).toBe(true);
    const families = new Set(first.map((t) => t.params['model']));
    expect(families).toEqual(new Set(['cnn', 'mlp']));
    for (const t of first) {
      const family = t.params['model'] as string;
      for (const name of Object.keys(t.params)) if (name !== 'model') expect(name.startsWith(`${family}.`)).toBe(true);
    }
    const second = await run();
    expect(second.map((t) => [t.params, t.values])).toEqual(first.map((t) => [t.params, t.values]));
  });

  it('respects a time budget (optimize `timeout`, in seconds): no trial starts after it, the one running finishes', async () => {
    const objective = tune.models.objectiveFor(auto(tabular), tabular, { epochs: 2 });
    const study = await tune.createStudy({
      direction: objective.direction,
      seed: 8,
      logger: tune.logging.silentLogger,
    });
    const budget = 1.5;
    await study.optimize(objective, { nTrials: 100_000, timeout: budget });
    const trials = study.trials;
    expect(trials.length).toBeLessThan(100_000); // the budget ended the search, not the trial count
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true); // none cut off, none left RUNNING
    // The deadline is set before the first trial starts, so every start lies within the budget of
    // it (plus the few milliseconds between the deadline check and the trial's creation).
    const first = (trials[0]?.datetimeStart as Date).getTime();
    for (const t of trials)
      expect((t.datetimeStart as Date).getTime() - first).toBeLessThanOrEqual(budget * 1000 + 1000);
    expect(trials.every((t) => t.params['model'] === 'mlp')).toBe(true);
  });

  it('under ASHA with promotions (a scheduler): promoted trials keep their family, and an ensemble forms from full-budget trials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auto-asha-'));
    try {
      const data = syntheticCifar({ nTrain: 32, nVal: 16, seed: 3, classes: 2 });
      const trainer = advanced.slotTrainerFor(auto(data), data, { checkpointDir: dir });
      const study = await tune.createStudy({
        direction: trainer.direction,
        seed: 6,
        logger: tune.logging.silentLogger,
      });
      const base = tf.memory().numTensors;
      const scheduler = new advanced.ASHAScheduler({ maxEpochs: 3, factor: 3, minEpochs: 1, maxTrials: 6 });
      await advanced.runScheduler(study, scheduler, new advanced.InProcessExecutor(advanced.slotJobTrainer(trainer)));
      expect(tf.memory().numTensors).toBe(base);
      const full = study.trials.filter((t) => slotOf(t)?.epochs === 3);
      expect(full.length).toBeGreaterThan(0);
      for (const t of full) {
        const parent = study.trials[slotOf(t)?.parent as number];
        expect(t.params['model']).toBe(parent?.params['model']);
      }
      const ensemble = await tune.ensemble.select(study, data, { trials: full, size: 5 });
      expect(ensemble.members.every((m) => full.some((t) => t.number === m.trial))).toBe(true);
      ensemble.dispose();
      expect(tf.memory().numTensors).toBe(base);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

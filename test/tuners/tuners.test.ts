import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import type { HyperParameters } from '../../src/tuners/hyperparameters';
import { RandomSearch } from '../../src/tuners/random-search';
import { GridSearch } from '../../src/tuners/grid-search';
import { BayesianOptimization } from '../../src/tuners/bayesian-optimization';
import { GPSampler } from '../../src/samplers/gp';
import { RandomSampler } from '../../src/samplers/random';
import { disposeModel } from '../../src/training/dispose-model';
import { blobs, tinyModel } from './fixtures';

const buildModel = tinyModel(4, 16, 4);

describe('KerasTuner-style tuners', () => {
  let dir: string;
  const train = blobs(96, 1);
  const val = blobs(48, 2);
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-tuner-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    tf.dispose([train.x, train.y, val.x, val.y]);
  });

  it('RandomSearch: getBestModels reloads the stored best epoch without retraining; nothing leaks', async () => {
    const base = tf.memory().numTensors;
    const tuner = new RandomSearch(buildModel, {
      objective: 'val_loss',
      maxTrials: 4,
      seed: 3,
      directory: dir,
      studyName: 'rs',
    });
    await tuner.search(train.x, train.y, { epochs: 4, validationData: [val.x, val.y], batchSize: 16 });
    expect(tf.memory().numTensors).toBe(base);

    const study = await tuner.study();
    expect(study.getTrials({ states: ['COMPLETE'] })).toHaveLength(4);
    const [model] = await tuner.getBestModels(1);
    const [bestHp] = await tuner.getBestHyperparameters(1);
    expect(bestHp).toEqual(study.bestParams);
    const evaluated = model!.evaluate(val.x, val.y) as tf.Scalar[];
    const loss = (await evaluated[0]!.data())[0]!;
    expect(loss).toBeCloseTo(study.bestValue, 4); // the checkpoint is the best epoch the score came from
    tf.dispose(evaluated);
    // Loaded twice, the same predictions: reloaded, not retrained.
    const [again] = await tuner.getBestModels(1);
    const p1 = model!.predict(val.x) as tf.Tensor;
    const p2 = again!.predict(val.x) as tf.Tensor;
    expect(Array.from(await p1.data())).toEqual(Array.from(await p2.data()));
    tf.dispose([p1, p2]);
    disposeModel(model!);
    disposeModel(again!);
    expect(await tuner.resultsSummary(2)).toMatch(/Objective: val_loss \(minimize\)[\s\S]*Trial \d+ — score/);
  });

  it('resumes a search from its storage up to a larger maxTrials', async () => {
    const storage = `sqlite:${join(dir, 'tuner.db')}`;
    const first = new RandomSearch(buildModel, {
      objective: 'val_acc',
      maxTrials: 2,
      seed: 1,
      storage,
      directory: dir,
      studyName: 'resume',
    });
    await first.search(train.x, train.y, { epochs: 1, validationData: [val.x, val.y] });
    const second = new RandomSearch(buildModel, {
      objective: 'val_acc',
      maxTrials: 3,
      seed: 1,
      storage,
      directory: dir,
      studyName: 'resume',
    });
    await second.search(train.x, train.y, { epochs: 1, validationData: [val.x, val.y] });
    const study = await second.study();
    expect(study.trials.map((t) => t.number)).toEqual([0, 1, 2]);
    expect(study.direction).toBe('maximize');
  });

  it('GridSearch trains every grid point once, and refuses a continuous Float', async () => {
    const gridModel = (hp: HyperParameters): tf.LayersModel => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [4], units: hp.Choice('units', [4, 8]), activation: 'relu' }));
      model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
      model.compile({
        optimizer: tf.train.adam(hp.Choice('lr', [0.01, 0.05])),
        loss: 'categoricalCrossentropy',
        metrics: ['acc'],
      });
      return model;
    };
    const base = tf.memory().numTensors;
    const tuner = new GridSearch(gridModel, {
      objective: { name: 'val_acc', direction: 'max' },
      directory: dir,
      studyName: 'grid',
    });
    await tuner.search(train.x, train.y, { epochs: 1, validationData: [val.x, val.y] });
    const trials = (await tuner.study()).trials;
    expect(trials).toHaveLength(4);
    expect(new Set(trials.map((t) => JSON.stringify([t.params['units'], t.params['lr']]))).size).toBe(4);
    expect(tf.memory().numTensors).toBe(base);
    await expect(
      new GridSearch(buildModel, { objective: 'val_acc', directory: dir, studyName: 'grid-bad' }).search(
        train.x,
        train.y,
        { epochs: 1, validationSplit: 0.2 },
      ),
    ).rejects.toThrow(/"lr".*step/);
  });

  it('BayesianOptimization: a GP proposes after the initial points; trials and checkpoints as for any tuner', async () => {
    const tuner = new BayesianOptimization(buildModel, {
      objective: 'val_loss',
      maxTrials: 4,
      numInitialPoints: 2,
      seed: 2,
      directory: dir,
      studyName: 'bo',
    });
    await tuner.search(train.x, train.y, { epochs: 2, validationData: [val.x, val.y] });
    const study = await tuner.study();
    expect(study.sampler).toBeInstanceOf(GPSampler);
    const trials = study.getTrials({ states: ['COMPLETE'] });
    expect(trials).toHaveLength(4);
    // The start-up trials (numInitialPoints) are random draws, as Optuna's GPSampler makes them:
    // each holds what a RandomSampler with the same seed draws for it. Trials 2 and 3 are the GP's.
    const random = new RandomSampler({ seed: 2 });
    const drawn = (t: (typeof trials)[number]): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(t.distributions).map(([name, d]) => [name, random.sampleIndependent(study, t, name, d)]),
      );
    expect(Object.keys(trials[2]!.distributions).sort()).toEqual(['lr', 'units']);
    expect(trials[0]!.params).toEqual(drawn(trials[0]!));
    expect(trials[1]!.params).toEqual(drawn(trials[1]!));
    for (const t of trials.slice(2)) {
      expect(t.params).not.toEqual(drawn(t));
      expect(t.params['lr']).not.toBe(drawn(t)['lr']);
    }
    const [best] = await tuner.getBestModels(1);
    expect(best!.countParams()).toBeGreaterThan(0);
    disposeModel(best!);
  });

  it('refuses bad options naming the field', () => {
    expect(() => new RandomSearch(buildModel, { objective: { name: 'val_acc', direction: 'up' as never } })).toThrow(
      /objective\.direction/,
    );
    expect(() => new RandomSearch(buildModel, { objective: 'val_acc', maxTrials: 0 })).toThrow(/maxTrials/);
    expect(() => new RandomSearch(buildModel, { objective: 'val_acc', maxTrail: 3 } as never)).toThrow(/maxTrail/);
  });
});

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { syntheticImdb } from '../../datasets/synthetic-imdb';
import { syntheticTabular } from '../../datasets/synthetic-tabular';
import { trainValTestSplit } from '../../datasets/splits';
import { toTensors } from '../../datasets/to-tensors';
import type { DatasetSplits } from '../../datasets/types';
import { cnn } from '../../models/cnn';
import { bagOfEmbeddings, lstm } from '../../models/lstm';
import { mlp } from '../../models/mlp';
import type { HyperModel, Params } from '../../src/training/hyper-model';
import { disposeModel } from '../../src/training/dispose-model';

/** Trains a zoo model with fixed params; returns its best validation accuracy. Disposes everything. */
async function bestValAcc(hm: HyperModel, params: Params, data: DatasetSplits, epochs: number): Promise<number> {
  const train = toTensors(data.train, { oneHot: true });
  const val = toTensors(data.val, { oneHot: true });
  const model = hm.build(params, {
    inputShape: data.train.xShape.slice(1),
    numClasses: data.train.numClasses,
    seed: 1,
    ...(data.train.vocabulary ? { vocabSize: data.train.vocabulary.length } : {}),
  });
  try {
    const h = await model.fit(train.xs, train.ys, {
      epochs,
      batchSize: 32,
      validationData: [val.xs, val.ys],
      verbose: 0,
    });
    return Math.max(...(h.history['val_acc'] as number[]));
  } finally {
    disposeModel(model);
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
  }
}

describe('model zoo on its synthetic data (wasm backend)', () => {
  beforeAll(async () => {
    await tune.initBackend();
  });

  it('a CNN learns synthetic CIFAR shapes and beats a larger MLP (position varies, so pixels alone do not work)', async () => {
    const data = syntheticCifar({ nTrain: 1200, nVal: 400, seed: 0, classes: 4 });
    const base = tf.memory().numTensors;
    const cnnAcc = await bestValAcc(cnn, { ...cnn.defaults, filters: 16, learning_rate: 3e-3 }, data, 5);
    const mlpAcc = await bestValAcc(mlp, { ...mlp.defaults, num_layers: 1, units_0: 8, learning_rate: 3e-3 }, data, 5);
    expect(tf.memory().numTensors).toBe(base);
    expect(cnnAcc).toBeGreaterThan(0.5); // chance is 0.25
    expect(cnnAcc - mlpAcc).toBeGreaterThan(0.15);
  }, 180_000); // 10 epochs of real training: seconds alone, longer on a busy machine

  it('an LSTM learns word-order sentiment that a bag of embeddings cannot', async () => {
    const data = syntheticImdb({ nTrain: 2000, nVal: 400, seed: 0, vocabSize: 300, maxLen: 24 });
    const lstmAcc = await bestValAcc(lstm, { ...lstm.defaults, learning_rate: 1e-2 }, data, 6);
    const bagAcc = await bestValAcc(bagOfEmbeddings, { ...bagOfEmbeddings.defaults, learning_rate: 1e-2 }, data, 6);
    expect(lstmAcc).toBeGreaterThan(0.75);
    expect(lstmAcc - bagAcc).toBeGreaterThan(0.15);
  }, 180_000);

  it('an MLP learns the synthetic table', async () => {
    const data = trainValTestSplit(
      syntheticTabular({ nTrain: 800, nVal: 0, nFeatures: 10, nInformative: 5, classes: 3, seed: 2 }).train,
      {
        valFraction: 0.25,
        seed: 2,
      },
    );
    expect(await bestValAcc(mlp, { ...mlp.defaults, learning_rate: 1e-2 }, data, 8)).toBeGreaterThan(0.6); // chance 0.33
  });

  it('objectiveFor: 10 cnn trials leave tf.memory().numTensors at its baseline, and a study finds its best', async () => {
    const data = syntheticCifar({ nTrain: 64, nVal: 32, seed: 1, classes: 2 });
    const objective = tune.models.objectiveFor(cnn, data, { epochs: 1 });
    const study = await tune.createStudy({
      direction: objective.direction,
      seed: 3,
      logger: tune.logging.silentLogger,
    });
    const base = tf.memory().numTensors;
    const counts: number[] = [];
    await study.optimize(objective, { nTrials: 10, callbacks: [() => void counts.push(tf.memory().numTensors)] });
    expect(counts).toEqual(new Array(10).fill(base));
    const complete = study.getTrials({ states: ['COMPLETE'] });
    expect(complete).toHaveLength(10);
    expect(objective.direction).toBe('maximize');
    // Its best is the highest validation accuracy any trial reached (the first such trial on a tie).
    const values = complete.map((t) => t.value as number);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    const best = Math.max(...values);
    expect(best).toBeGreaterThan(0);
    expect(study.bestValue).toBe(best);
    expect(study.bestTrial.number).toBe(complete.find((t) => t.value === best)?.number);
  });

  it('objectiveFor under ASHA: 20 and more pruned trials, each stored PRUNED with its values, leak no tensors', async () => {
    const data = trainValTestSplit(
      syntheticTabular({ nTrain: 240, nVal: 0, nFeatures: 6, nInformative: 3, classes: 2, seed: 5 }).train,
      {
        valFraction: 0.25,
        seed: 5,
      },
    );
    const objective = tune.models.objectiveFor(mlp, data, { epochs: 9, monitor: 'val_loss' });
    const study = await tune.createStudy({
      direction: objective.direction,
      seed: 4,
      pruner: new tune.pruners.SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
      logger: tune.logging.silentLogger,
    });
    const base = tf.memory().numTensors;
    const counts: number[] = [];
    await study.optimize(objective, { nTrials: 32, callbacks: [() => void counts.push(tf.memory().numTensors)] });
    expect(counts).toEqual(new Array(32).fill(base));
    const pruned = study.getTrials({ states: ['PRUNED'] });
    expect(pruned.length).toBeGreaterThanOrEqual(20);
    for (const t of pruned) {
      // Stopped at a rung (steps are 0-based epochs; rungs at steps 1 and 3), every report up to it kept.
      const steps = [...t.intermediateValues.keys()];
      expect([
        [0, 1],
        [0, 1, 2, 3],
      ]).toContainEqual(steps);
      expect(t.values).toEqual([t.intermediateValues.get(steps.at(-1) as number)]);
    }
  });

  it('objectiveFor with a pruner: a pruned trial stops fit early and is stored PRUNED', async () => {
    const data = syntheticCifar({ nTrain: 64, nVal: 32, seed: 1, classes: 2 });
    const objective = tune.models.objectiveFor(cnn, data, { epochs: 4, monitor: 'val_loss' });
    // Prunes every trial at its first report: the fit must stop after one epoch.
    const study = await tune.createStudy({
      pruner: new tune.pruners.ThresholdPruner({ upper: -1 }),
      logger: tune.logging.silentLogger,
    });
    await study.optimize(objective, { nTrials: 1 });
    const t = study.trials[0];
    expect(t?.state).toBe('PRUNED');
    expect([...(t?.intermediateValues.keys() ?? [])]).toEqual([0]);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../../src';
import { syntheticTabular } from '../../../datasets/synthetic-tabular';
import { trainValTestSplit } from '../../../datasets/splits';
import { toTensors } from '../../../datasets/to-tensors';
import type { DatasetSplits } from '../../../datasets/types';
import { auto } from '../../../models/auto';
import { loadCheckpoint, saveCheckpoint } from '../../../src/training/checkpoint/save-load';
import { disposeModel } from '../../../src/training/dispose-model';
import { isEnsembleDir, loadEnsemble, saveEnsemble } from '../../../src/training/ensemble/ensemble-file';
import { greedySelection, scorePredictions } from '../../../src/training/ensemble/greedy-selection';
import { selectEnsemble } from '../../../src/training/ensemble/select-ensemble';

describe('greedy ensemble selection (Caruana et al. 2004)', () => {
  const targets = { y: Int32Array.from([0, 1, 1, 0]), numClasses: 2 };
  // Three classifiers over 4 rows: a is right on rows 0-2, b on rows 1-3, c on rows 0 and 3 only.
  const a = Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.4, 0.6]);
  const b = Float64Array.from([0.4, 0.6, 0.3, 0.7, 0.1, 0.9, 0.9, 0.1]);
  const c = Float64Array.from([0.6, 0.4, 0.6, 0.4, 0.6, 0.4, 0.6, 0.4]);

  it('scores accuracy and cross-entropy, and MSE for regression', () => {
    expect(scorePredictions(a, targets).accuracy).toBe(0.75);
    expect(scorePredictions(c, targets).accuracy).toBe(0.5);
    const loss = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.4)) / 4;
    expect(scorePredictions(a, targets).loss).toBeCloseTo(loss, 12);
    const reg = scorePredictions(Float64Array.from([1, 2]), { y: Float32Array.from([0, 4]), numClasses: 0 });
    expect(reg).toEqual({ accuracy: null, loss: 2.5 });
  });

  it('the first pick is the best single candidate; a mix of a and b beats both; weights sum to 1 over the kept prefix', () => {
    const s = greedySelection([c, a, b], targets, { size: 10, metric: 'accuracy' });
    expect(s.history).toHaveLength(10);
    expect(s.history[0]).toEqual(scorePredictions(b, targets)); // a and b tie on accuracy; b has the lower loss
    expect(s.score.accuracy).toBe(1); // averaging a and b gets all four rows right
    expect(s.score.accuracy as number).toBeGreaterThanOrEqual(Math.max(0.75, 0.75, 0.5));
    expect(s.counts[0]).toBe(0);
    expect((s.counts[1] as number) > 0 && (s.counts[2] as number) > 0).toBe(true);
    expect(s.weights.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(s.counts.reduce((x, y) => x + y, 0)).toBe(s.iterations);
    // The kept prefix scores best of all iterations.
    for (const h of s.history) expect(h.accuracy as number).toBeLessThanOrEqual(s.score.accuracy as number);
  });

  it('refuses no candidates, a bad size and predictions of the wrong length, naming the field', () => {
    expect(() => greedySelection([], targets, { size: 5, metric: 'loss' })).toThrow(/ensemble candidates/);
    expect(() => greedySelection([a], targets, { size: 0, metric: 'loss' })).toThrow(/ensemble size: got 0/);
    expect(() => greedySelection([a, Float64Array.from([1])], targets, { size: 2, metric: 'loss' })).toThrow(
      /ensemble candidate 1 predictions: got 1; expected 4 rows of 2/,
    );
  });
});

describe('tune.ensemble over a tuned study (wasm backend)', () => {
  let dir: string;
  let data: DatasetSplits;

  beforeAll(async () => {
    await tune.initBackend();
    dir = mkdtempSync(join(tmpdir(), 'ensemble-'));
    data = trainValTestSplit(
      syntheticTabular({ nVal: 0, nTrain: 360, nFeatures: 8, nInformative: 4, classes: 3, seed: 7 }).train,
      {
        valFraction: 0.3,
        seed: 7,
      },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Validation accuracy of one trial's saved checkpoint, computed apart from the ensemble code. */
  async function memberAccuracy(checkpoint: string): Promise<number> {
    const { model } = await loadCheckpoint(checkpoint, { compile: false });
    const { xs, ys } = toTensors(data.val, { oneHot: true });
    try {
      return tf.tidy(() => {
        const p = model.predict(xs) as tf.Tensor;
        return tf.mean(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(ys, -1)), 'float32')).dataSync()[0] as number;
      });
    } finally {
      disposeModel(model);
      tf.dispose([xs, ys]);
    }
  }

  it('scores at least the best single member on validation, saves and reloads to the same predictions, leaks nothing', async () => {
    const base = tf.memory().numTensors;
    const objective = tune.models.objectiveFor(auto(data), data, { epochs: 3, checkpointDir: join(dir, 'ckpt') });
    const study = await tune.createStudy({
      direction: objective.direction,
      seed: 11,
      logger: tune.logging.silentLogger,
    });
    await study.optimize(objective, { nTrials: 6 });
    const ensemble = await selectEnsemble(study, data, { size: 20, topK: 4 });
    try {
      expect(ensemble.info.candidates).toHaveLength(4);
      const singles = await Promise.all(
        ensemble.info.candidates.map((n) => memberAccuracy(study.trials[n]?.userAttrs['checkpoint'] as string)),
      );
      const bestSingle = Math.max(...singles);
      const score = ensemble.score(data.val);
      expect(score.accuracy).toBeCloseTo(ensemble.info.validation.accuracy as number, 6);
      expect(score.accuracy as number).toBeGreaterThanOrEqual(bestSingle - 1e-6);
      expect(ensemble.info.bestSingle.score.accuracy).toBeCloseTo(bestSingle, 6);
      const weights = ensemble.members.map((m) => m.weight);
      expect(weights.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);

      // The evaluate interface of a compiled zoo model: [loss, acc] on one-hot labels.
      const { xs, ys } = toTensors(data.val, { oneHot: true });
      const [loss, acc] = ensemble.evaluate(xs, ys) as tf.Scalar[];
      expect(acc?.dataSync()[0]).toBeCloseTo(score.accuracy as number, 5);
      expect(loss?.dataSync()[0]).toBeCloseTo(score.loss, 4);
      tf.dispose([loss as tf.Scalar, acc as tf.Scalar]);

      const saved = join(dir, 'ensemble');
      await saveEnsemble(ensemble, saved);
      expect(isEnsembleDir(saved)).toBe(true);
      expect(isEnsembleDir(join(dir, 'ckpt', 'trial_0'))).toBe(false);
      const json = JSON.parse(readFileSync(join(saved, 'ensemble.json'), 'utf8')) as {
        members: { trial: number; weight: number; path: string }[];
      };
      expect(json.members.map((m) => m.weight)).toEqual(weights);
      // Its graph/ folder is a plain checkpoint of the whole ensemble.
      const { model: savedGraph } = await loadCheckpoint(join(saved, 'graph'), { compile: false });
      const fromGraph = savedGraph.predict(xs) as tf.Tensor;
      const fromEnsemble = ensemble.predict(xs);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(fromGraph, fromEnsemble))).dataSync()[0] as number)).toBeLessThan(1e-5);
      tf.dispose([fromGraph, fromEnsemble]);
      disposeModel(savedGraph);
      // One graph: predicts as the ensemble does, saves and reloads as a single checkpoint.
      const graph = await ensemble.toLayersModel();
      const single = join(dir, 'ensemble-graph');
      await saveCheckpoint(graph, single, { includeOptimizer: false });
      const { model: graphBack } = await loadCheckpoint(single, { compile: false });
      const direct = ensemble.predict(xs);
      for (const m of [graph, graphBack]) {
        const p = m.predict(xs) as tf.Tensor;
        const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(p, direct))).dataSync()[0] as number);
        expect(gap).toBeLessThan(1e-5);
        p.dispose();
      }
      direct.dispose();
      disposeModel(graph);
      disposeModel(graphBack);
      const reloaded = await loadEnsemble(saved);
      try {
        const before = ensemble.predict(xs);
        const after = reloaded.predict(xs);
        expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
        tf.dispose([before, after]);
      } finally {
        reloaded.dispose();
        tf.dispose([xs, ys]);
      }
    } finally {
      ensemble.dispose();
    }
    expect(tf.memory().numTensors).toBe(base);
  });

  it('regression: selects on the mean squared error, never above the best member’s; evaluate returns the MSE', async () => {
    const reg = trainValTestSplit(
      syntheticTabular({ nVal: 0, nTrain: 200, nFeatures: 5, nInformative: 3, task: 'regression', seed: 4 }).train,
      { valFraction: 0.3, seed: 4 },
    );
    const base = tf.memory().numTensors;
    const objective = tune.models.objectiveFor(auto(reg), reg, { epochs: 2, checkpointDir: join(dir, 'reg') });
    expect(objective.direction).toBe('minimize');
    const study = await tune.createStudy({ direction: 'minimize', seed: 2, logger: tune.logging.silentLogger });
    await study.optimize(objective, { nTrials: 3 });
    const ensemble = await selectEnsemble(study, reg, { size: 10 });
    expect(ensemble.info.metric).toBe('loss');
    expect(ensemble.info.validation.accuracy).toBeNull();
    expect(ensemble.info.validation.loss).toBeLessThanOrEqual(ensemble.info.bestSingle.score.loss);
    expect(ensemble.info.bestSingle.score.loss).toBeCloseTo(study.bestValue, 2); // val_loss: the MSE (+ a small L2 term)
    const { xs, ys } = toTensors(reg.val);
    const mse = ensemble.evaluate(xs, ys) as tf.Scalar;
    expect(mse.dataSync()[0]).toBeCloseTo(ensemble.info.validation.loss, 4);
    tf.dispose([xs, ys, mse]);
    await expect(selectEnsemble(study, reg, { metric: 'accuracy' })).rejects.toThrow(/'loss' for a regression dataset/);
    ensemble.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('refuses a study with no checkpoints and an unknown option, naming the field', async () => {
    const study = await tune.createStudy({ direction: 'maximize', logger: tune.logging.silentLogger });
    await study.optimize(() => 0.5, { nTrials: 1 });
    await expect(selectEnsemble(study, data)).rejects.toThrow(/ensemble candidates: got 0; expected a COMPLETE trial/);
    await expect(selectEnsemble(study, data, { sizes: 3 } as never)).rejects.toThrow(/ensemble options\.sizes/);
    await expect(loadEnsemble(join(dir, 'nowhere'))).rejects.toThrow(/ensemble\.json: not found/);
  });
});

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { crossValScore } from '../../src/training/cross-validation/cross-val-score';
import { tinyHyperModel as tiny } from '../training/callbacks/fixtures';
import { GridSearchCV, RandomizedSearchCV, BayesSearchCV } from '../../src/tuners/search-cv-variants';
import { rankDescending } from '../../src/tuners/cv-results';

function blobs(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = new tune.Rng(4);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    xs.push(rng.normal(c ? 1 : -1, 1), rng.normal(c ? -1 : 1, 1), rng.normal(0, 1));
    ys.push(c ? 0 : 1, c ? 1 : 0);
  }
  return { x: tf.tensor2d(xs, [n, 3]), y: tf.tensor2d(ys, [n, 2]) };
}

describe('sklearn-style search with cross-validation', () => {
  const data = blobs(60);
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => tf.dispose([data.x, data.y]));

  it('GridSearchCV: per-split scores are real, means and ranks are right, the best is refit', async () => {
    const base = tf.memory().numTensors;
    const search = await new GridSearchCV(
      tiny,
      { units: [2, 6], lr: [0.001, 0.05] },
      { cv: 3, epochs: 3, seed: 1 },
    ).fit(data.x, data.y);
    const r = search.cvResults!;
    expect(r.params).toHaveLength(4);
    expect(new Set(r.params.map((p) => JSON.stringify(p))).size).toBe(4);
    for (let i = 0; i < 4; i++) {
      const splits = r.splitScores[i]!;
      expect(splits).toHaveLength(3);
      const mean = splits.reduce((s, v) => s + v, 0) / 3;
      expect(r.meanTestScore[i]).toBeCloseTo(mean, 10);
      expect(r.stdTestScore[i]).toBeCloseTo(Math.sqrt(splits.reduce((s, v) => s + (v - mean) ** 2, 0) / 3), 10);
    }
    expect(r.rankTestScore).toEqual(rankDescending(r.meanTestScore));
    expect(search.bestScore).toBe(Math.max(...r.meanTestScore));
    expect(search.bestParams).toEqual(r.params[r.rankTestScore.indexOf(1)]);
    // The split scores are what crossValScore gives for that candidate on its own.
    const again = await crossValScore(tiny, { ...tiny.defaults, ...r.params[0] }, data.x, data.y, {
      cv: 3,
      epochs: 3,
      seed: 1,
    });
    expect(again.scores).toEqual(r.splitScores[0]);
    // The refit model predicts, and only it (plus nothing else) holds tensors.
    const p = search.bestModel!.predict(data.x) as tf.Tensor;
    expect(p.shape).toEqual([60, 2]);
    p.dispose();
    tune.models.disposeModel(search.bestModel!);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('ranks ties at the lowest rank and follows the direction', () => {
    expect(rankDescending([0.5, 0.9, 0.5, 0.1])).toEqual([2, 1, 2, 4]);
    expect(rankDescending([0.5, 0.9, 0.5, 0.1], false)).toEqual([2, 4, 2, 1]);
  });

  it('RandomizedSearchCV and BayesSearchCV draw nIter candidates from ranges', async () => {
    const space = { lr: { low: 1e-3, high: 1e-1, log: true }, units: { low: 2, high: 6, type: 'int' as const } };
    const rnd = await new RandomizedSearchCV(tiny, space, { nIter: 3, cv: 2, epochs: 1, refit: false }).fit(
      data.x,
      data.y,
    );
    expect(rnd.cvResults!.params).toHaveLength(3);
    for (const p of rnd.cvResults!.params) {
      expect(Number.isInteger(p['units'])).toBe(true);
      expect(p['lr']).toBeGreaterThanOrEqual(1e-3);
    }
    const bayes = await new BayesSearchCV(tiny, space, { nIter: 4, cv: 2, epochs: 1, refit: false }).fit(
      data.x,
      data.y,
    );
    expect(bayes.cvResults!.params).toHaveLength(4);
    expect(bayes.bestModel).toBeNull();
  });

  it('refuses bad input naming the field', () => {
    expect(() => new RandomizedSearchCV(tiny, { lr: [0.1] }, { nIter: 0 })).toThrow(/nIter/);
    expect(() => new GridSearchCV(tiny, { lr: 0.1 as never })).toThrow(/paramGrid\.lr/);
    expect(() => new GridSearchCV(tiny, {})).toThrow(/param space/);
  });
});

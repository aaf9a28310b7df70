import * as tune from '../../src';

describe('held-out scores', () => {
  it('classification: accuracy, cross-entropy, per-class precision / recall / F1 and the confusion matrix', () => {
    // Truth 0, 0, 1, 2; predicted 0, 1, 1, 1 (class 2 never predicted).
    const probs = Float32Array.from([0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.5, 0.4]);
    const s = tune.evaluation.classificationScores(probs, Int32Array.from([0, 0, 1, 2]), ['a', 'b', 'c']);
    expect(s.accuracy).toBe(0.5);
    expect(s.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    expect(s.loss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(0.4)) / 4, 6);
    const [a, b, c] = s.perClass;
    expect(a).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(a?.f1).toBeCloseTo(2 / 3, 12);
    expect(b).toMatchObject({ precision: 1 / 3, recall: 1, support: 1 });
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 }); // zero_division=0
  });

  it('regression: MSE, MAE and R²', () => {
    const s = tune.evaluation.regressionScores(Float32Array.from([1, 2, 4]), Float32Array.from([1, 3, 5]));
    expect(s.loss).toBeCloseTo(2 / 3, 6);
    expect(s.mae).toBeCloseTo(2 / 3, 6);
    expect(s.r2).toBeCloseTo(1 - 2 / 8, 6); // SSE 2, SST 8 around the mean 3
  });
});

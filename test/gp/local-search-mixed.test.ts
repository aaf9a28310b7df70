import * as tf from '@tensorflow/tfjs';

import type { AcquisitionEvaluator } from '../../src/gp/acquisition-batch';
import { localSearchMixed } from '../../src/gp/local-search-mixed';
import { SearchSpaceEncoding } from '../../src/gp/search-space-encoding';
import { CategoricalDistribution, FloatDistribution, IntDistribution } from '../../src/space/distributions';
import { expectNoLeak, useBackend } from './helpers';

describe.each(['cpu', 'wasm'] as const)('localSearchMixed on %s', (backend) => {
  let weights: tf.Tensor1D;
  let peak: tf.Tensor1D;
  let bonus: tf.Tensor1D;
  beforeAll(async () => {
    await useBackend(backend);
    weights = tf.tensor1d([0, 0, 0, 5, 5, 10]);
    peak = tf.tensor1d(Array.from(target));
    bonus = tf.tensor1d([0, 0.3, 0, 0, 0, 0]);
  });
  afterAll(() => tf.dispose([weights, peak, bonus]));

  // Columns (names sorted): c -> 0..2 (one-hot), k -> 3, n -> 4, u -> 5.
  const encoding = new SearchSpaceEncoding({
    u: new FloatDistribution(0, 1),
    n: new IntDistribution(0, 99),
    k: new IntDistribution(1, 8),
    c: new CategoricalDistribution(['a', 'b', 'c']),
  });
  const target = encoding.encode({ c: 'b', k: 6, n: 37, u: 0.7 }) as Float64Array;
  // A concave quadratic in the numeric columns, peaking at the target, plus a bonus for choice 'b'.
  const evaluate: AcquisitionEvaluator = (points) =>
    tf.tidy(() => tf.sum(tf.sub(tf.mul(points, bonus), tf.mul(weights, tf.square(tf.sub(points, peak)))), 1));

  it('finds the optimum of every kind of parameter: L-BFGS, line search (100 ints), exhaustive (8 ints), categorical', () => {
    const starts = [
      encoding.encode({ c: 'a', k: 1, n: 90, u: 0.1 }) as Float64Array,
      encoding.encode({ c: 'c', k: 8, n: 2, u: 1 }) as Float64Array,
    ];
    const result = expectNoLeak(() => localSearchMixed({ evaluate, encoding }, starts));
    for (const x of result.xs) {
      const p = encoding.decode(x);
      expect(p).toEqual({ c: 'b', k: 6, n: 37, u: expect.closeTo(0.7, 4) as number });
      // Discrete columns exactly on their grid.
      expect(x[4]).toBe(target[4]);
      expect(x[3]).toBe(target[3]);
    }
    expect(result.moved).toEqual([true, true]);
    result.values.forEach((v) => expect(v).toBeCloseTo(0.3, 5));
  });

  it('keeps a start that is already optimal, and says it did not move', () => {
    const result = localSearchMixed({ evaluate, encoding }, [target]);
    expect(result.moved).toEqual([false]);
    expect(Array.from(result.xs[0] as Float64Array)).toEqual(Array.from(target));
  });

  it('stays in the unit cube when the optimum lies outside it, with lengthscales preconditioning', () => {
    const outside = tf.tensor1d([0, 0, 0, 0.5, 0.5, 1.6]);
    const f: AcquisitionEvaluator = (points) =>
      tf.tidy(() => tf.neg(tf.sum(tf.mul(weights, tf.square(tf.sub(points, outside))), 1)) as tf.Tensor1D);
    const start = encoding.encode({ c: 'a', k: 3, n: 10, u: 0.2 }) as Float64Array;
    const lengthscales = Float64Array.from([1, 1, 1, 1, 1, 0.05]);
    const result = localSearchMixed({ evaluate: f, encoding, lengthscales }, [start]);
    expect(result.xs[0]?.[5]).toBe(1);
    outside.dispose();
  });
});

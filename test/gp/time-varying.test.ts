import * as tf from '@tensorflow/tfjs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

import { InvalidArgumentError } from '../../src/errors';
import { GPPosterior } from '../../src/gp/posterior';
import {
  fitTimeVaryingHyperparameters,
  MAX_EPSILON,
  MIN_EPSILON,
  timeVaryingFactor,
  type TimeVaryingHyperparameters,
} from '../../src/gp/time-varying';
import { Rng } from '../../src/random/rng';
import { expectNoLeak, kernel64, lcg, useBackend } from './helpers';

const next = lcg(5);
const N = 24;
const X = Array.from({ length: N }, () => [next(), next()]);
const TIMES = Array.from({ length: N }, (_, i) => Math.floor(i / 3));
const CONTEXT = Array.from({ length: N }, () => next());
const Y = X.map(([a, b], i) => Math.sin(5 * (a as number)) - (b as number) + 0.1 * (TIMES[i] as number));
const HP: TimeVaryingHyperparameters = {
  inverseSquaredLengthscales: Float64Array.from([3, 1]),
  scale: 1.3,
  noise: 1e-3,
  epsilon: 0.2,
  contextWeight: 2,
};
const AT = { time: 8, context: 0.4 };

/** The product kernel written out in float64: (1 − ε)^{|Δt|/2} · exp(−w_c Δc² / 2) · scale · k(x, x'). */
function reference(points: number[][]): { mean: number[]; variance: number[] } {
  const k = (a: number[], ta: number, ca: number, b: number[], tb: number, cb: number): number => {
    const s = a.reduce(
      (acc, ai, d) => acc + (HP.inverseSquaredLengthscales[d] as number) * (ai - (b[d] as number)) ** 2,
      0,
    );
    return (
      HP.scale *
      kernel64('matern52', s) *
      (1 - HP.epsilon) ** (Math.abs(ta - tb) / 2) *
      Math.exp((-HP.contextWeight * (ca - cb) ** 2) / 2)
    );
  };
  const K = new Matrix(N, N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++)
      K.set(i, j, k(X[i]!, TIMES[i]!, CONTEXT[i]!, X[j]!, TIMES[j]!, CONTEXT[j]!) + (i === j ? HP.noise : 0));
  const chol = new CholeskyDecomposition(K);
  const alpha = chol.solve(Matrix.columnVector(Y));
  const mean: number[] = [];
  const variance: number[] = [];
  for (const p of points) {
    const kx = Matrix.columnVector(X.map((xi, i) => k(p, AT.time, AT.context, xi, TIMES[i]!, CONTEXT[i]!)));
    mean.push(kx.transpose().mmul(alpha).get(0, 0));
    variance.push(HP.scale - kx.transpose().mmul(chol.solve(kx)).get(0, 0));
  }
  return { mean, variance };
}

describe('the time-varying kernel (TV-GP-UCB, as PB2 uses it)', () => {
  beforeAll(async () => useBackend('cpu'));

  it('a posterior with the fixed time and context factor agrees with the product kernel written out in float64', () => {
    const points = [...Array.from({ length: 20 }, () => [next(), next()]), X[3] as number[]];
    const ref = reference(points);
    const x = tf.tensor2d(X);
    expectNoLeak(() => {
      const factor = timeVaryingFactor(HP, { times: TIMES, context: CONTEXT }, AT);
      const posterior = GPPosterior.fit('matern52', x, Y, HP, {}, factor);
      const { mean, variance } = posterior.predictArrays(points);
      points.forEach((_, i) => {
        expect(Math.abs((mean[i] as number) - (ref.mean[i] as number))).toBeLessThan(2e-3);
        expect(Math.abs((variance[i] as number) - (ref.variance[i] as number))).toBeLessThan(2e-3);
      });
      posterior.dispose();
      factor.train.dispose();
    });
    x.dispose();
  });

  it('without the factor the old observations count as much as new ones; with it, the latest dominate', () => {
    // The same input observed early with +1 and late with −1: the posterior mean at the latest time leans to −1.
    const x = tf.tensor2d([[0.5], [0.5]]);
    const hp = {
      ...HP,
      inverseSquaredLengthscales: Float64Array.from([1]),
      noise: 0.1,
      epsilon: 0.5,
      contextWeight: 0,
    };
    expectNoLeak(() => {
      const inputs = { times: [0, 20], context: null };
      const factor = timeVaryingFactor(hp, inputs, { time: 20, context: null });
      const decayed = GPPosterior.fit('rbf', x, [1, -1], hp, {}, factor);
      const flat = GPPosterior.fit('rbf', x, [1, -1], hp);
      expect(decayed.predictArrays([[0.5]]).mean[0]).toBeLessThan(-0.5);
      expect(Math.abs(flat.predictArrays([[0.5]]).mean[0] as number)).toBeLessThan(1e-3);
      for (const t of [decayed, flat, factor.train]) t.dispose();
    });
    x.dispose();
  });

  it('fitting finds a larger forgetting rate when the function changes over time than when it stays put', () => {
    const xs = Array.from({ length: 30 }, (_, i) => [(i % 10) / 9]);
    const times = xs.map((_, i) => Math.floor(i / 10) * 6);
    const stationary = xs.map(([v]) => Math.sin(4 * (v as number)));
    // The same inputs each round, the function's sign flipped every round.
    const drifting = xs.map(([v], i) => (Math.floor(i / 10) % 2 === 0 ? 1 : -1) * Math.sin(4 * (v as number)));
    const x = tf.tensor2d(xs);
    const fit = (y: number[]) =>
      fitTimeVaryingHyperparameters(
        x,
        y,
        { times, context: null },
        {
          kernel: 'rbf',
          columnParam: Int32Array.from([0]),
          rng: new Rng(1),
        },
      );
    const [a, b] = expectNoLeak(() => [fit(stationary), fit(drifting)]);
    for (const hp of [a, b]) {
      expect(hp.epsilon).toBeGreaterThanOrEqual(MIN_EPSILON);
      expect(hp.epsilon).toBeLessThanOrEqual(MAX_EPSILON);
      expect(hp.contextWeight).toBe(0);
    }
    expect(b.epsilon).toBeGreaterThan(10 * a.epsilon);
    x.dispose();
  });

  it('refuses inputs of the wrong length, naming them', () => {
    const x = tf.tensor2d([[0.1], [0.2]]);
    expect(() =>
      fitTimeVaryingHyperparameters(
        x,
        [1, 2],
        { times: [0], context: null },
        {
          kernel: 'rbf',
          columnParam: Int32Array.from([0]),
          rng: new Rng(1),
        },
      ),
    ).toThrow(InvalidArgumentError);
    x.dispose();
  });
});

import * as tf from '@tensorflow/tfjs';

import { GPPosterior, MIN_VARIANCE, standardize } from '../../src/gp/posterior';
import { expectNoLeak, lcg, referencePosterior, useBackend } from './helpers';

const next = lcg(11);
const N = 30;
const X = Array.from({ length: N }, () => [next(), next(), next()]);
const Y = standardize(
  X.map(([a, b, c]) => Math.sin(6 * (a as number)) + (b as number) ** 2 - 0.5 * (c as number)),
).values;
const POINTS = [...Array.from({ length: 40 }, () => [next(), next(), next()]), X[0] as number[], X[7] as number[]];
const HP = { inverseSquaredLengthscales: Float64Array.from([4, 1.5, 0.7]), scale: 1.2, noise: 1e-4 };

describe.each(['cpu', 'wasm'] as const)('GPPosterior on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it.each(['matern52', 'rbf'] as const)(
    '%s: mean and variance agree with a float64 ml-matrix reference to 1e-3',
    (kernel) => {
      const ref = referencePosterior(
        kernel,
        X,
        Array.from(Y),
        Array.from(HP.inverseSquaredLengthscales),
        HP.scale,
        HP.noise,
        POINTS,
      );
      const x = tf.tensor2d(X);
      expectNoLeak(() => {
        const posterior = GPPosterior.fit(kernel, x, Y, HP);
        const { mean, variance } = posterior.predictArrays(POINTS);
        POINTS.forEach((_, i) => {
          expect(Math.abs((mean[i] as number) - (ref.mean[i] as number))).toBeLessThan(1e-3);
          expect(Math.abs((variance[i] as number) - Math.max(ref.variance[i] as number, MIN_VARIANCE))).toBeLessThan(
            1e-3,
          );
          expect(variance[i]).toBeGreaterThanOrEqual(MIN_VARIANCE);
        });
        posterior.dispose();
      });
      x.dispose();
    },
  );

  it('the same with the blocked float32 Cholesky (leaves of 8)', () => {
    const ref = referencePosterior(
      'matern52',
      X,
      Array.from(Y),
      Array.from(HP.inverseSquaredLengthscales),
      HP.scale,
      HP.noise,
      POINTS,
    );
    const x = tf.tensor2d(X);
    expectNoLeak(() => {
      const posterior = GPPosterior.fit('matern52', x, Y, HP, { path: 'blocked', blockSize: 8 });
      expect(posterior.path).toBe('blocked');
      const { mean, variance } = posterior.predictArrays(POINTS);
      POINTS.forEach((_, i) => {
        expect(Math.abs((mean[i] as number) - (ref.mean[i] as number))).toBeLessThan(1e-3);
        expect(Math.abs((variance[i] as number) - Math.max(ref.variance[i] as number, MIN_VARIANCE))).toBeLessThan(
          1e-3,
        );
      });
      posterior.dispose();
    });
    x.dispose();
  });

  it('predict is differentiable in the points (matches finite differences)', () => {
    const x = tf.tensor2d(X);
    const posterior = GPPosterior.fit('matern52', x, Y, { ...HP, noise: 1e-2 });
    const at = [
      [0.3, 0.6, 0.2],
      [0.9, 0.1, 0.5],
    ];
    const f = (p: tf.Tensor): tf.Scalar => {
      const { mean, variance } = posterior.predict(p as tf.Tensor2D);
      return tf.sum(tf.add(tf.mul(mean, 0.7), tf.mul(variance, 1.9)));
    };
    const grad = expectNoLeak(() => tf.tidy(() => tf.grad(f)(tf.tensor2d(at)).arraySync() as number[][]));
    const h = 1e-2;
    at.forEach((row, i) =>
      row.forEach((_, d) => {
        const shifted = (delta: number): number =>
          tf.tidy(() => {
            const q = at.map((r) => r.slice());
            (q[i] as number[])[d] = ((q[i] as number[])[d] as number) + delta;
            return f(tf.tensor2d(q)).dataSync()[0] as number;
          });
        const fd = (shifted(h) - shifted(-h)) / (2 * h);
        expect(Math.abs((grad[i]?.[d] as number) - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }),
    );
    posterior.dispose();
    x.dispose();
  });
});

describe('standardize', () => {
  it('centres and scales; a constant keeps scale 1', () => {
    const s = standardize([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(Array.from(s.values).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(Array.from(standardize([5, 5, 5]).values)).toEqual([0, 0, 0]);
  });
});

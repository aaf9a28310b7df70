import * as tf from '@tensorflow/tfjs';

import {
  crossKernel,
  disposePrepared,
  kernelMatrix,
  prepareKernel,
  scaledSquaredDistances,
  trainingKernel,
} from '../../src/gp/kernels';
import { expectNoLeak, kernel64, lcg, useBackend } from './helpers';

const next = lcg(7);
const X = Array.from({ length: 12 }, () => [next(), next(), next()]);
const P = Array.from({ length: 5 }, () => [next(), next(), next()]);
const W = [2, 0.5, 7];

describe.each(['cpu', 'wasm'] as const)('kernels on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it.each(['matern52', 'rbf'] as const)(
    '%s: k(P, X) matches the float64 formula, with and without preparation',
    (kernel) => {
      const x = tf.tensor2d(X);
      const p = tf.tensor2d(P);
      const w = tf.tensor1d(W);
      expectNoLeak(() => {
        const direct = tf.tidy(() => kernelMatrix(kernel, p, x, w, 1.7).arraySync());
        const prepared = prepareKernel(kernel, x, W, 1.7);
        const { k, dk } = crossKernel(prepared, p);
        const viaPrepared = k.arraySync();
        P.forEach((pi, i) =>
          X.forEach((xj, j) => {
            const s = pi.reduce((acc, v, d) => acc + (W[d] as number) * (v - (xj[d] as number)) ** 2, 0);
            expect(direct[i]?.[j]).toBeCloseTo(1.7 * kernel64(kernel, s), 5);
            expect(viaPrepared[i]?.[j]).toBeCloseTo(1.7 * kernel64(kernel, s), 5);
          }),
        );
        tf.dispose([k, dk]);
        disposePrepared(prepared);
      });
      tf.dispose([x, p, w]);
    },
  );

  it('squared distances are never negative, and zero on the diagonal', () => {
    const x = tf.tensor2d(X);
    const w = tf.tensor1d([100, 100, 100]);
    const values = expectNoLeak(() => tf.tidy(() => scaledSquaredDistances(x, x, w).arraySync()));
    values.forEach((row, i) => {
      expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
      expect(row[i]).toBeLessThan(1e-4);
    });
    tf.dispose([x, w]);
  });

  it.each(['matern52', 'rbf'] as const)(
    '%s: the training kernel gradient matches finite differences (finite at s = 0)',
    (kernel) => {
      const x = tf.tensor2d(X);
      const n = X.length;
      const g = tf.tidy(() => {
        const r = tf.randomNormal([n, n], 0, 1, 'float32', 3);
        return tf.add(r, tf.transpose(r));
      });
      const op = trainingKernel(kernel, x);
      const loss = (w: number[], s: number): number =>
        tf.tidy(() => tf.sum(tf.mul(kernelMatrix(kernel, x, x, tf.tensor1d(w), s), g)).dataSync()[0] as number);
      const [dw, ds] = expectNoLeak(() =>
        tf.tidy(() => {
          const grads = tf.grads((w: tf.Tensor, s: tf.Tensor) =>
            tf.sum(tf.mul(op(w as tf.Tensor1D, s as tf.Scalar), g)),
          )([tf.tensor1d(W), tf.scalar(1.3)]);
          return grads.map((t) => Array.from(t.dataSync()));
        }),
      );
      const h = 1e-2;
      W.forEach((_, d) => {
        const up = W.slice();
        const down = W.slice();
        up[d] = (up[d] as number) + h;
        down[d] = (down[d] as number) - h;
        const fd = (loss(up, 1.3) - loss(down, 1.3)) / (2 * h);
        expect(Number.isFinite(dw?.[d])).toBe(true);
        expect(Math.abs((dw?.[d] as number) - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
      });
      expect(ds?.[0]).toBeCloseTo(loss(W, 1), 3);
      tf.dispose([x, g]);
    },
  );
});

import * as tf from '@tensorflow/tfjs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

import { CholeskyFactor } from '../../src/gp/cholesky';
import { expectNoLeak, lcg, useBackend } from './helpers';

/** A random SPD matrix A A^T / n + 0.1 I (condition number in the hundreds). */
function randomSpd(n: number, seed: number): Matrix {
  const next = lcg(seed);
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, next() - 0.5);
  return a.mmul(a.transpose()).div(n).add(Matrix.eye(n, n).mul(0.1));
}

function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

describe.each(['cpu', 'wasm'] as const)('CholeskyFactor on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it.each([
    [10, 'blocked', 4],
    [100, 'blocked', 32],
    [257, 'blocked', 64],
    [100, 'float64', 64],
    [257, 'float64', 64],
  ] as const)('n = %i (%s, leaf %i) matches ml-matrix: L, solves, inverse', (n, path, blockSize) => {
    const spd = randomSpd(n, n);
    const reference = new CholeskyDecomposition(spd).lowerTriangularMatrix;
    const b = Matrix.columnVector(Array.from({ length: n }, (_, i) => Math.sin(i)));
    const solution = new CholeskyDecomposition(spd).solve(b);
    const k = tf.tensor2d(spd.to1DArray(), [n, n]);
    expectNoLeak(() => {
      const f = CholeskyFactor.of(k, { path, blockSize, jitter: 0 });
      expect(f.path).toBe(path);
      expect(f.jitter).toBe(0);
      const l = f.lower();
      expect(maxRelDiff(l.dataSync(), reference.to1DArray())).toBeLessThan(1e-5);
      const rhs = tf.tensor2d(b.to1DArray(), [n, 1]);
      const x = tf.tidy(() => f.solveUpper(f.solveLower(rhs)));
      expect(maxRelDiff(x.dataSync(), solution.to1DArray())).toBeLessThan(1e-4);
      const inv = f.inverse();
      const identity = tf.matMul(inv, k);
      expect(maxRelDiff(identity.dataSync(), Matrix.eye(n, n).to1DArray())).toBeLessThan(1e-4);
      const logDet = reference.diag().reduce((s, v) => s + 2 * Math.log(v), 0);
      expect(Math.abs(f.logDet - logDet)).toBeLessThan(1e-4 * Math.abs(logDet) + 1e-6);
      tf.dispose([l, rhs, x, inv, identity]);
      f.dispose();
    });
    k.dispose();
  });

  it('adds jitter until a singular matrix factorises (rank 1: 11^T)', () => {
    const k = tf.ones([70, 70]) as tf.Tensor2D;
    expectNoLeak(() => {
      const f = CholeskyFactor.of(k, { blockSize: 32, path: 'blocked' });
      expect(f.jitter).toBeGreaterThan(0);
      expect(Number.isFinite(f.logDet)).toBe(true);
      f.dispose();
    });
    k.dispose();
  });

  it('falls back to float64 when float32 fails even with more jitter, and reports it', () => {
    // A A^T / n - 1e-3 I: indefinite by more than the blocked path's jitters (up to 1e-4 x the diagonal).
    const n = 80;
    const spd = randomSpd(n, 3);
    const m = spd.sub(Matrix.eye(n, n).mul(0.1 + 1e-3));
    const k = tf.tensor2d(m.to1DArray(), [n, n]);
    expectNoLeak(() => {
      const f = CholeskyFactor.of(k, { blockSize: 32, path: 'blocked' });
      expect(f.path).toBe('float64');
      expect(f.jitter).toBeGreaterThan(1e-4);
      f.dispose();
    });
    k.dispose();
  });

  it('throws a clear error on non-finite input', () => {
    const k = tf.tensor2d([
      [1, NaN],
      [NaN, 1],
    ]);
    expect(() => CholeskyFactor.of(k)).toThrow(/Cholesky failed/);
    k.dispose();
  });
});

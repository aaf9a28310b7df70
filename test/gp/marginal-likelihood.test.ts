import * as tf from '@tensorflow/tfjs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

import {
  columnFactors,
  fitHyperparameters,
  gaussianNegLogLikelihood,
  lengthscaleExpansion,
  logPrior,
  MIN_NOISE,
} from '../../src/gp/marginal-likelihood';
import { minimizeLBFGS } from '../../src/gp/lbfgs';
import { standardize } from '../../src/gp/posterior';
import { Rng } from '../../src/random/rng';
import { expectNoLeak, lcg, useBackend } from './helpers';

const next = lcg(5);
const N = 25;
const X = Array.from({ length: N }, () => [next(), next()]);
// Varies fast along x0, not at all along x1: the fit should give x0 the shorter lengthscale.
const Y = standardize(X.map(([a]) => Math.sin(8 * (a as number)))).values;

function spd(n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => Math.exp(-((i - j) ** 2) / 8) + (i === j ? 0.1 : 0)),
  );
}

describe.each(['cpu', 'wasm'] as const)('marginal likelihood on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it('-log N(y | 0, K) matches float64, and its gradient in K is (K^-1 - alpha alpha^T) / 2', () => {
    const n = 12;
    const kArr = spd(n);
    const y = Array.from({ length: n }, (_, i) => Math.cos(i));
    const K = new Matrix(kArr);
    const chol = new CholeskyDecomposition(K);
    const alpha = chol.solve(Matrix.columnVector(y));
    const logDet = chol.lowerTriangularMatrix.diag().reduce((s, v) => s + 2 * Math.log(v), 0);
    const expected = 0.5 * Matrix.rowVector(y).mmul(alpha).get(0, 0) + 0.5 * logDet + 0.5 * n * Math.log(2 * Math.PI);
    const k = tf.tensor2d(kArr);
    const nll = gaussianNegLogLikelihood(y, { jitter: 0 });
    const { value, grad } = expectNoLeak(() =>
      tf.tidy(() => {
        const r = tf.valueAndGrad((t: tf.Tensor) => nll(t as tf.Tensor2D))(k);
        return { value: r.value.dataSync()[0] as number, grad: r.grad.arraySync() as number[][] };
      }),
    );
    expect(value).toBeCloseTo(expected, 4);
    const kinv = chol.solve(Matrix.eye(n, n));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const g = 0.5 * (kinv.get(i, j) - alpha.get(i, 0) * alpha.get(j, 0));
        expect(Math.abs((grad[i]?.[j] as number) - g)).toBeLessThan(1e-4 * Math.max(1, Math.abs(g)));
      }
    }
    k.dispose();
  });

  it('the log prior has the gradient its value implies', () => {
    const prior = logPrior(2, false);
    const raw = [0.3, -1.2, 0.5, -4];
    const { value, grad } = expectNoLeak(() =>
      tf.tidy(() => {
        const r = tf.valueAndGrad((t: tf.Tensor) => prior(t as tf.Tensor1D))(tf.tensor1d(raw));
        return { value: r.value.dataSync()[0] as number, grad: Array.from(r.grad.dataSync()) };
      }),
    );
    const f = (v: number[]): number => tf.tidy(() => prior(tf.tensor1d(v)).dataSync()[0] as number);
    expect(value).toBeCloseTo(f(raw), 6);
    raw.forEach((_, i) => {
      const up = raw.slice();
      const down = raw.slice();
      up[i] = (up[i] as number) + 1e-2;
      down[i] = (down[i] as number) - 1e-2;
      expect(grad[i] as number).toBeCloseTo((f(up) - f(down)) / 2e-2, 2);
    });
  });

  it('fits MAP hyperparameters by L-BFGS on tfjs gradients: x0 gets the shorter lengthscale', () => {
    const x = tf.tensor2d(X);
    const hp = expectNoLeak(() =>
      fitHyperparameters(x, Y, {
        kernel: 'matern52',
        columnParam: Int32Array.from([0, 1]),
        deterministic: false,
        rng: new Rng(1),
      }),
    );
    const [w0, w1] = Array.from(hp.inverseSquaredLengthscales);
    expect(w0 as number).toBeGreaterThan(3 * (w1 as number));
    expect(hp.noise).toBeGreaterThanOrEqual(MIN_NOISE);
    expect(hp.noise).toBeLessThan(0.05);
    expect(hp.scale).toBeGreaterThan(0.1);
    const fixed = fitHyperparameters(x, Y, {
      kernel: 'rbf',
      columnParam: Int32Array.from([0, 1]),
      deterministic: true,
      rng: new Rng(1),
      restarts: 1,
    });
    expect(fixed.noise).toBe(MIN_NOISE);
    x.dispose();
  });
});

describe('minimizeLBFGS', () => {
  const rosenbrock = (x: Float64Array): { value: number; grad: Float64Array } => {
    const [a, b] = [x[0] as number, x[1] as number];
    return {
      value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
      grad: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
    };
  };

  it('minimises Rosenbrock', () => {
    const r = minimizeLBFGS(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 200, gtol: 1e-8 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it('respects box bounds', () => {
    const r = minimizeLBFGS(rosenbrock, Float64Array.from([-1.2, 0]), {
      maxIterations: 200,
      lower: Float64Array.from([-2, -2]),
      upper: Float64Array.from([0.5, 2]),
    });
    expect(r.x[0]).toBeLessThanOrEqual(0.5);
    expect(r.x[0]).toBeCloseTo(0.5, 3);
  });

  it('stops on a non-finite start without evaluating further', () => {
    const r = minimizeLBFGS(() => ({ value: NaN, grad: new Float64Array(1) }), Float64Array.from([0]), {
      maxIterations: 5,
    });
    expect(r.value).toBe(Infinity);
    expect(r.evaluations).toBe(1);
  });
});

describe('gaussianNegLogLikelihood on a hopeless matrix', () => {
  it('is +Infinity with a zero gradient, not an exception, and leaks nothing', () => {
    const k = tf.tensor2d([
      [1, NaN],
      [NaN, 1],
    ]);
    const nll = gaussianNegLogLikelihood([1, 2]);
    const { value, grad } = expectNoLeak(() =>
      tf.tidy(() => {
        const r = tf.valueAndGrad((t: tf.Tensor) => nll(t as tf.Tensor2D))(k);
        return { value: r.value.dataSync()[0], grad: Array.from(r.grad.dataSync()) };
      }),
    );
    expect(value).toBe(Infinity);
    expect(grad).toEqual([0, 0, 0, 0]);
    k.dispose();
  });
});

describe('columnFactors', () => {
  it("halves a categorical's columns, so a change of choice is at squared distance w (Hamming, as Optuna)", () => {
    // Columns: a 3-choice categorical, a number, a 2-choice categorical, a 1-choice categorical.
    const columnParam = Int32Array.from([0, 0, 0, 1, 2, 2, 3]);
    expect(Array.from(columnFactors(columnParam))).toEqual([0.5, 0.5, 0.5, 1, 0.5, 0.5, 1]);
    const expand = lengthscaleExpansion(columnParam, 4);
    const w = tf.tensor2d([[2, 3, 4, 5]]);
    const perColumn = tf.matMul(w, expand);
    const a = Float64Array.from([1, 0, 0]);
    const b = Float64Array.from([0, 1, 0]);
    const weights = perColumn.dataSync().slice(0, 3);
    let distance = 0;
    a.forEach((v, c) => (distance += (weights[c] as number) * (v - (b[c] as number)) ** 2));
    expect(distance).toBeCloseTo(2, 6);
    tf.dispose([expand, w, perColumn]);
  });
});

import * as tf from '@tensorflow/tfjs';

import { mlp } from '../../../models/mlp';
import { disposeModel } from '../../../src/training/dispose-model';
import { FusedAdamOptimizer, fusedAdam } from '../../../src/training/backend/ops/fused-adam';
import {
  fusedCategoricalAccuracy,
  fusedCategoricalCrossentropy,
  useFusedCrossentropy,
} from '../../../src/training/backend/ops/fused-crossentropy';
import { FusedDense, fusedDense } from '../../../src/training/backend/layers/fused-dense-layer';
import { FusedL1L2, fusedL1L2 } from '../../../src/training/backend/ops/fused-regularizer';
import { initBackend } from '../../../src/training/backend/select-backend';
import { relativeError, type Side } from './helpers';

// The fused dense layer, L1L2 regulariser and Adam against tfjs's own with the same weights:
// max |fused - stock| / max |stock|. Measured: dense and regulariser <= 2e-7 (0 for relu/linear),
// Adam after 5 steps <= 3e-7 (float64 arithmetic rounded once, where tfjs rounds per op).
const TOL = 2e-6;

describe.each<Side>(['cpu', 'wasm'])('fused training ops on %s', (side) => {
  beforeAll(async () => {
    await initBackend({ backend: side });
  });

  it.each([
    ['relu', true],
    ['relu', false],
    ['tanh', true],
    ['elu', true],
    ['linear', true],
    ['softmax', true],
    ['sigmoid', false],
  ] as const)('dense %s (bias %s) matches tf.layers.dense: output and gradients', (activation, useBias) => {
    const before = tf.memory().numTensors;
    const args = {
      units: 5,
      activation,
      useBias,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      biasInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: 2 }),
    };
    const stock = tf.layers.dense(args);
    const fused = fusedDense(args);
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
    const w = tf.randomNormal([6, 5], 0, 1, 'float32', 4);
    tf.dispose([stock.apply(x) as tf.Tensor, fused.apply(x) as tf.Tensor]);
    fused.setWeights(stock.getWeights());
    const run = (layer: tf.layers.Layer): number[][] =>
      tf.tidy(() => {
        const weights = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
        const loss = () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar;
        const { grads } = tf.variableGrads(loss, weights);
        const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, w)))(x);
        return [layer.apply(x) as tf.Tensor, dx, ...weights.map((v) => grads[v.name] as tf.Tensor)].map((t) =>
          Array.from(t.dataSync()),
        );
      });
    const expected = run(stock);
    const actual = run(fused);
    expect(actual.length).toBe(expected.length);
    actual.forEach((a, i) => expect(relativeError(a, expected[i] as number[])).toBeLessThan(TOL));
    tf.dispose([x, w]);
    stock.dispose();
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('dense on a 3-D input takes the stock path', () => {
    const layer = fusedDense({ units: 3, kernelInitializer: tf.initializers.ones() });
    tf.tidy(() => {
      const y = layer.apply(tf.ones([2, 4, 5])) as tf.Tensor;
      expect(y.shape).toEqual([2, 4, 3]);
      expect(Array.from(y.dataSync())).toEqual(new Array<number>(24).fill(5));
    });
    layer.dispose();
  });

  it.each([
    [0, 1e-3],
    [0.01, 0],
    [0.02, 0.5],
  ])('L1L2(%s, %s) matches the stock regulariser: value and gradient', (l1, l2) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const w = tf.randomNormal([17, 9], 0, 1, 'float32', 1);
      const stock = tf.regularizers.l1l2({ l1, l2 });
      const fused = fusedL1L2({ l1, l2 });
      expect(fused).toBeInstanceOf(FusedL1L2);
      expect(
        relativeError([fused.apply(w).dataSync()[0] as number], [stock.apply(w).dataSync()[0] as number]),
      ).toBeLessThan(TOL);
      const grad = (r: typeof stock) => tf.grad((x: tf.Tensor) => tf.mul(r.apply(x), 3))(w);
      expect(relativeError(grad(fused), grad(stock))).toBeLessThan(TOL);
      // Same class name and config: a saved model loads with the stock regulariser.
      expect((fused as unknown as tf.serialization.Serializable).getClassName()).toBe('L1L2');
      expect(fused.getConfig()).toEqual(stock.getConfig());
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Adam takes the stock optimiser’s steps and keeps its state layout', async () => {
    const before = tf.memory().numTensors;
    const make = () =>
      tf.tidy(() => [
        tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1)),
        tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2)),
      ]);
    const stockVars = make();
    const fusedVars = make();
    const stock = tf.train.adam(0.05);
    const fused = fusedAdam(0.05);
    expect(fused).toBeInstanceOf(FusedAdamOptimizer);
    const x = tf.randomNormal([3, 7], 0, 1, 'float32', 3);
    const loss = (vars: tf.Variable[]) => () =>
      tf.sum(tf.square(tf.add(tf.matMul(x, vars[0] as tf.Variable), vars[1] as tf.Variable))) as tf.Scalar;
    for (let step = 0; step < 5; step++) {
      tf.dispose(stock.minimize(loss(stockVars), true) ?? []);
      tf.dispose(fused.minimize(loss(fusedVars), true) ?? []);
    }
    fusedVars.forEach((v, i) => expect(relativeError(v, stockVars[i] as tf.Variable)).toBeLessThan(TOL));
    const [stockState, fusedState] = [await stock.getWeights(), await fused.getWeights()];
    expect(fusedState.map((w) => w.name.replace(/\d+/g, ''))).toEqual(
      stockState.map((w) => w.name.replace(/\d+/g, '')),
    );
    fusedState.forEach((w, i) =>
      expect(relativeError(w.tensor, (stockState[i] as { tensor: tf.Tensor }).tensor)).toBeLessThan(TOL),
    );
    expect(fused.getClassName()).toBe('Adam');
    expect(fused.getConfig()).toEqual(stock.getConfig());
    tf.dispose([x, ...stockVars, ...fusedVars, ...stockState.map((w) => w.tensor), ...fusedState.map((w) => w.tensor)]);
    stock.dispose();
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the zoo MLP with the fused ops', () => {
  it.each<Side>(['cpu', 'wasm'])('trains like the stock layers, regulariser and Adam on %s', async (side) => {
    await initBackend({ backend: side });
    const before = tf.memory().numTensors;
    const context = { inputShape: [6], numClasses: 3, seed: 5 };
    // No dropout (the masks are per model), L2 on, Adam.
    const params = { ...mlp.defaults, dropout: 0, l2: 1e-2, learning_rate: 0.05, units_0: 8, units_1: 5 };
    const fused = mlp.build(params, context) as tf.Sequential;
    expect(fused.layers.some((l) => l instanceof FusedDense)).toBe(true);
    const inner = (fused as unknown as { model: { lossFunctions: unknown[]; metricsTensors: unknown[][] } }).model;
    expect(inner.lossFunctions[0]).toBe(fusedCategoricalCrossentropy);
    expect(inner.metricsTensors[0]?.[0]).toBe(fusedCategoricalAccuracy);
    const stock = tf.sequential();
    for (const layer of fused.layers) {
      const config = layer.getConfig() as Record<string, unknown>;
      stock.add(
        tf.layers.dense({
          ...config,
          name: undefined,
          kernelRegularizer: config['kernelRegularizer'] == null ? undefined : tf.regularizers.l2({ l2: 1e-2 }),
        } as never),
      );
    }
    stock.setWeights(fused.getWeights());
    stock.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['acc'] });
    const xs = tf.randomNormal([10, 6], 0, 1, 'float32', 9);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3));
    for (let step = 0; step < 4; step++) {
      const [a, accA] = (await fused.trainOnBatch(xs, ys)) as number[];
      const [b, accB] = (await stock.trainOnBatch(xs, ys)) as number[];
      expect(Math.abs((a as number) - (b as number))).toBeLessThan(1e-5);
      expect(accA).toBe(accB);
    }
    const ws = stock.getWeights();
    fused.getWeights().forEach((w, i) => expect(relativeError(w, ws[i] as tf.Tensor)).toBeLessThan(1e-5));
    tf.dispose([xs, ys]);
    disposeModel(fused);
    disposeModel(stock);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each<Side>(['cpu', 'wasm'])('fused categorical cross-entropy on %s', (side) => {
  beforeAll(async () => {
    await initBackend({ backend: side });
  });

  it('matches tfjs-layers’ loss: values and gradient, clipped entries included', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      // Rows that do not sum to 1, and entries below ε (the clip's flat part).
      const p = tf.tensor2d([
        [0.2, 0.5, 0.1],
        [1e-9, 0.7, 0.6],
        [0.3, 0.3, 2e-8],
        [0.05, 0.9, 0.05],
      ]);
      const t = tf.tensor2d([
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 1],
        [0.2, 0.5, 0.3],
      ]);
      const w = tf.tensor1d([1, -2, 0.5, 3]);
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] });
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      type Loss = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
      const inner = (model as unknown as { model: { lossFunctions: Loss[] } }).model;
      const stock = inner.lossFunctions[0] as Loss;
      expect(useFusedCrossentropy(model)).toBe(true);
      const fused = inner.lossFunctions[0] as Loss;
      expect(fused).toBe(fusedCategoricalCrossentropy);
      expect(relativeError(fused(t, p), stock(t, p))).toBeLessThan(TOL);
      const grad = (f: typeof stock) => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(t, x), w)))(p);
      expect(relativeError(grad(fused), grad(stock))).toBeLessThan(TOL);
      expect((model as unknown as { loss: unknown }).loss).toBe('categoricalCrossentropy');
      // Accuracy: first arg-max, ties included.
      const ties = tf.tensor2d([
        [0.5, 0.5, 0],
        [0, 0.2, 0.8],
        [0.4, 0.4, 0.2],
        [0.1, 0.1, 0.8],
      ]);
      const stockAcc = tf.metrics.categoricalAccuracy(t, ties);
      expect(Array.from(fusedCategoricalAccuracy(t, ties).dataSync())).toEqual(Array.from(stockAcc.dataSync()));
      model.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

import * as tf from '@tensorflow/tfjs';

import { num } from '../../../models/common';
import { lstm } from '../../../models/lstm';
import { disposeModel } from '../../../src/training/dispose-model';
import { FusedLSTM, fusedLSTM } from '../../../src/training/backend/layers/fused-lstm-layer';
import { lstmSequence } from '../../../src/training/backend/ops/lstm-sequence';
import { patchedWasmKernels } from '../../../src/training/backend/kernels/register-wasm-kernels';
import { initBackend } from '../../../src/training/backend/select-backend';
import { relativeError, type Side } from './helpers';

// The fused LSTM against tfjs-layers' own, with the same weights: outputs and the gradients of the
// weights and the input, as max |fused - stock| / max |stock|. Measured ~3e-7 on both backends (the
// fused op adds the bias before h·R and uses a rational tanh within 2.7e-7 of Math.tanh on wasm).
const TOL = 2e-6;

const B = 5;
const T = 7;
const D = 6;
const U = 4;

interface Variant {
  readonly bidirectional: boolean;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
}

const VARIANTS: Variant[] = [
  { bidirectional: false, returnSequences: false, goBackwards: false },
  { bidirectional: false, returnSequences: true, goBackwards: false },
  { bidirectional: false, returnSequences: false, goBackwards: true },
  { bidirectional: false, returnSequences: true, goBackwards: true },
  { bidirectional: true, returnSequences: false, goBackwards: false },
  { bidirectional: true, returnSequences: true, goBackwards: false },
];

function makeLayer(fused: boolean, v: Variant, extra: Partial<Parameters<typeof tf.layers.lstm>[0]> = {}) {
  const args = {
    units: U,
    returnSequences: v.returnSequences,
    goBackwards: v.goBackwards,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: 4 }),
    // Non-zero biases, so that a bias in the wrong gate shows.
    biasInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.5, seed: 5 }),
    ...extra,
  };
  const layer = fused ? fusedLSTM(args) : tf.layers.lstm(args);
  return v.bidirectional ? tf.layers.bidirectional({ layer: layer as never, mergeMode: 'concat' }) : layer;
}

/** Output, input gradient and weight gradients of `sum(layer(x) * w)`, as arrays. */
function outputsAndGrads(layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor, training = true): number[][] {
  return tf.tidy(() => {
    const weights = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
    const loss = () => tf.sum(tf.mul(layer.apply(x, { training }) as tf.Tensor, w)) as tf.Scalar;
    const y = layer.apply(x, { training }) as tf.Tensor;
    const { grads } = tf.variableGrads(loss, weights);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx, { training }) as tf.Tensor, w)))(x);
    return [y, dx, ...weights.map((v) => grads[v.name] as tf.Tensor)].map((t) => Array.from(t.dataSync()));
  });
}

/** The stock and the fused layer with the stock one's weights, on the current backend. */
function compare(v: Variant, extra: Partial<Parameters<typeof tf.layers.lstm>[0]> = {}, training = true): number[] {
  const x = tf.randomNormal([B, T, D], 0, 2, 'float32', 9);
  const out = v.returnSequences ? [B, T, U * (v.bidirectional ? 2 : 1)] : [B, U * (v.bidirectional ? 2 : 1)];
  const w = tf.randomNormal(out, 0, 1, 'float32', 11);
  const stock = makeLayer(false, v, extra);
  const fused = makeLayer(true, v, extra);
  try {
    tf.dispose([stock.apply(x) as tf.Tensor, fused.apply(x) as tf.Tensor]);
    fused.setWeights(stock.getWeights());
    const expected = outputsAndGrads(stock, x, w, training);
    const actual = outputsAndGrads(fused, x, w, training);
    expect(actual.length).toBe(expected.length);
    return actual.map((a, i) => relativeError(a, expected[i] as number[]));
  } finally {
    tf.dispose([x, w]);
    stock.dispose();
    fused.dispose();
  }
}

describe.each<Side>(['cpu', 'wasm'])('fused LSTM on %s', (side) => {
  beforeAll(async () => {
    await initBackend({ backend: side });
  });

  it.each(VARIANTS)('matches tf.layers.lstm: outputs and gradients (%j)', (v) => {
    const before = tf.memory().numTensors;
    const errors = compare(v);
    expect(Math.max(...errors)).toBeLessThan(TOL);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('falls back to the stock step loop where it does not fuse, with the same results', () => {
    // Sigmoid gates, and no bias: the first is unfused, the second fused with zero bias.
    const v = VARIANTS[0] as Variant;
    expect(Math.max(...compare(v, { recurrentActivation: 'sigmoid' }))).toBeLessThan(TOL);
    expect(Math.max(...compare(v, { useBias: false }))).toBeLessThan(TOL);
    // Dropout only matters when training: inference is fused and equal.
    expect(Math.max(...compare(v, { dropout: 0.3, recurrentDropout: 0.3 }, false))).toBeLessThan(TOL);
  });

  it('a masked input takes the stock path', () => {
    const model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputLength: 5 }));
    model.add(fusedLSTM({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    const x = tf.tensor2d([
      [1, 2, 3, 0, 0],
      [4, 5, 6, 7, 8],
    ]);
    const padded = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // A masked step carries the state: the padded row's output is that of its first 3 tokens.
    const y = model.predict(x) as tf.Tensor;
    const short = tf.sequential();
    short.add(tf.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 3 }));
    short.add(fusedLSTM({ units: 2 }));
    short.setWeights(model.getWeights());
    const yShort = short.predict(padded) as tf.Tensor;
    expect(relativeError(tf.slice(y, [0, 0], [1, 2]), tf.slice(yShort, [0, 0], [1, 2]))).toBeLessThan(TOL);
    tf.dispose([x, padded, y, yShort]);
    model.dispose();
    short.dispose();
  });
});

describe('the tensor-op and the wasm paths of lstmSequence', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each([
    [false, false],
    [true, true],
  ])('agree on wasm (reverse %s, returnSequences %s)', (reverse, returnSequences) => {
    const before = tf.memory().numTensors;
    const results = (['auto', 'ops'] as const).map((path) =>
      tf.tidy(() => {
        const x = tf.randomNormal([3, 6, 5], 0, 1.5, 'float32', 1);
        const k = tf.randomNormal([5, 16], 0, 0.5, 'float32', 2);
        const r = tf.randomNormal([4, 16], 0, 0.5, 'float32', 3);
        const b = tf.randomNormal([16], 0, 0.5, 'float32', 4);
        const f = (...a: tf.Tensor[]) =>
          lstmSequence(a[0] as tf.Tensor3D, a[1] as tf.Tensor2D, a[2] as tf.Tensor2D, a[3] as tf.Tensor1D, {
            reverse,
            returnSequences,
            path,
          });
        const w = tf.randomNormal(returnSequences ? [3, 6, 4] : [3, 4], 0, 1, 'float32', 5);
        const y = f(x, k, r, b);
        const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))([x, k, r, b]);
        return [y, ...grads].map((t) => Array.from(t.dataSync()));
      }),
    );
    expect(tf.memory().numTensors).toBe(before);
    const [wasm, ops] = results as [number[][], number[][]];
    wasm.forEach((a, i) => expect(relativeError(a, ops[i] as number[])).toBeLessThan(TOL));
  });

  it('rejects shapes that do not fit', () => {
    tf.tidy(() => {
      expect(() => lstmSequence(tf.zeros([2, 3, 4]), tf.zeros([4, 8]), tf.zeros([3, 12]), tf.zeros([12]))).toThrow(
        /do not fit/,
      );
    });
  });
});

describe('the zoo LSTM with the fused layer', () => {
  const context = { inputShape: [12], numClasses: 3, vocabSize: 40, seed: 7 };

  /** The same model with tfjs-layers' LSTM in place of the fused one (same initial weights). */
  function stockTwin(params: Record<string, number | string | boolean>): tf.LayersModel {
    const fused = lstm.build(params, context) as tf.Sequential;
    const model = tf.sequential();
    for (const layer of fused.layers) {
      if (layer instanceof FusedLSTM) {
        model.add(tf.layers.lstm(layer.getConfig() as never));
      } else if (layer.getClassName() === 'Bidirectional') {
        const forward = (layer as unknown as { forwardLayer: tf.layers.Layer }).forwardLayer;
        model.add(
          tf.layers.bidirectional({ layer: tf.layers.lstm(forward.getConfig() as never), mergeMode: 'concat' }),
        );
      } else {
        const config = { ...layer.getConfig(), name: undefined } as never;
        model.add(layer.getClassName() === 'Embedding' ? tf.layers.embedding(config) : tf.layers.dense(config));
      }
    }
    model.setWeights(fused.getWeights());
    disposeModel(fused);
    model.compile({ optimizer: tf.train.momentum(num(params, 'learning_rate'), 0.9), loss: 'categoricalCrossentropy' });
    return model;
  }

  it.each<[Side, boolean]>([
    ['cpu', false],
    ['wasm', false],
    ['wasm', true],
  ])('trains like the stock layer on %s (bidirectional %s)', async (side, bidirectional) => {
    await initBackend({ backend: side });
    const before = tf.memory().numTensors;
    // No dropout (its masks are seeded per build, not per model); SGD with momentum, a large rate.
    const params = {
      ...lstm.defaults,
      dropout: 0,
      optimizer: 'sgd',
      learning_rate: 0.3,
      bidirectional,
      units: 6,
      embedding_dim: 5,
    };
    const fused = lstm.build(params, context);
    const stock = stockTwin(params);
    const xs = tf.tensor2d(
      Array.from({ length: 8 * 12 }, (_, i) => (i * 7) % 40),
      [8, 12],
    );
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
    for (let step = 0; step < 3; step++) {
      const lossOf = (r: number | number[]) => (Array.isArray(r) ? (r[0] as number) : r);
      const a = lossOf(await fused.trainOnBatch(xs, ys));
      const b = lossOf(await stock.trainOnBatch(xs, ys));
      expect(Math.abs(a - b)).toBeLessThan(1e-5 * Math.max(1, Math.abs(b)));
    }
    const wf = fused.getWeights();
    const ws = stock.getWeights();
    wf.forEach((w, i) => expect(relativeError(w, ws[i] as tf.Tensor)).toBeLessThan(1e-5));
    tf.dispose([xs, ys]);
    disposeModel(fused);
    disposeModel(stock);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves and loads under its own class name', async () => {
    await initBackend({ backend: 'cpu' });
    const model = lstm.build({ ...lstm.defaults, bidirectional: true, units: 4, embedding_dim: 4 }, context);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(artifacts?.modelTopology)).toContain(FusedLSTM.className);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const x = tf.tensor2d([Array.from({ length: 12 }, (_, i) => i)]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(relativeError(b, a)).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('wasm GatherV2 (JS on wasm memory)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('is registered for wasm', () => {
    expect(patchedWasmKernels()).toContain('GatherV2');
  });

  it.each<[number[], number[], number[], number]>([
    [[10, 4], [3, 2], [7, 0, 9, 9, 1, 2], 0], // an embedding lookup
    [[10, 20], [4], [9, 0, 3, 3], 0], // rows long enough to copy with set()
    [[3, 5, 2], [2], [4, 1], 1],
    [[3, 5], [3], [4, 0, 2], 1],
  ])('gather(%j, indices %j) equals the cpu backend', async (shape, indexShape, indices, axis) => {
    const run = async (side: Side) => {
      await tf.setBackend(side);
      return tf.tidy(() => {
        const size = shape.reduce((p, d) => p * d, 1);
        const x = tf.tensor(
          Array.from({ length: size }, (_, i) => i * 0.5 - 3),
          shape,
        );
        return Array.from(tf.gather(x, tf.tensor(indices, indexShape, 'int32'), axis).dataSync());
      });
    };
    const before = tf.memory().numTensors;
    const ours = await run('wasm');
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(await run('cpu'));
    await tf.setBackend('wasm');
  });

  it('rejects an index out of range', () => {
    tf.tidy(() => {
      expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], 'int32')).dataSync()).toThrow(/not in \[0, 2\]/);
    });
  });
});

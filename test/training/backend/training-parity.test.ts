import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../../src/training/backend';
import { disposeModel } from '../../../src/training/dispose-model';
import { relativeError, values } from './helpers';

// A few SGD steps of small models on wasm (with tfjs-tune's kernels) and on cpu give the same
// losses: max |wasm - cpu| / max |cpu| below 1e-4 over the steps.
const TOL = 1e-4;

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

function convNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [12, 10, 3],
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.conv2d({
        filters: 8,
        kernelSize: [3, 2],
        strides: 2,
        padding: 'valid',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tf.layers.batchNormalization({}),
      tf.layers.separableConv2d({
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        depthwiseInitializer: init(3),
        pointwiseInitializer: init(4),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten({}),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(5) }),
    ],
  });
}

function sequenceNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 7, embeddingsInitializer: init(6) }),
      tf.layers.lstm({ units: 12, returnSequences: true, kernelInitializer: init(7), recurrentInitializer: init(8) }),
      tf.layers.gru({ units: 6, kernelInitializer: init(9), recurrentInitializer: init(10) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(11) }),
    ],
  });
}

async function trainLosses(
  backend: 'cpu' | 'wasm',
  build: () => tf.Sequential,
  makeX: () => tf.Tensor,
  steps: number,
): Promise<number[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const model = build();
  // An optimiser instance (with slots: adam) is what disposeModel must free along with the model.
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = makeX();
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2], 'int32'), 3));
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await model.trainOnBatch(x, y)) as number);
  tf.dispose([x, y]);
  disposeModel(model);
  expect(tf.memory().numTensors).toBe(before);
  return losses;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

it('a small conv net (conv s1/s2, batch norm, separable conv, max pool) trains alike', async () => {
  const makeX = () => tf.tensor4d(values([6, 12, 10, 3], 31), [6, 12, 10, 3]);
  const cpu = await trainLosses('cpu', convNet, makeX, 4);
  const wasm = await trainLosses('wasm', convNet, makeX, 4);
  expect(cpu[3]).toBeLessThan(cpu[0]!);
  expect(relativeError(wasm, cpu)).toBeLessThan(TOL);
});

it('an embedding + LSTM + GRU net trains alike', async () => {
  const tokens = [
    3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0, 2, 8, 8, 4, 1, 9,
    7, 1, 6,
  ];
  const makeX = () => tf.tensor2d(tokens, [6, 7]);
  const cpu = await trainLosses('cpu', sequenceNet, makeX, 4);
  const wasm = await trainLosses('wasm', sequenceNet, makeX, 4);
  expect(cpu[3]).toBeLessThan(cpu[0]!);
  expect(relativeError(wasm, cpu)).toBeLessThan(TOL);
});

describe('disposeModel', () => {
  it.each([
    ['an optimiser instance', () => tf.train.adam(0.01)],
    ['an optimiser name', () => 'adam' as const],
  ])('frees the model and %s, back to the baseline', async (_label, optimizer) => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
    model.compile({ optimizer: optimizer(), loss: 'meanSquaredError' });
    const x = tf.ones([2, 4]);
    const y = tf.zeros([2, 3]);
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    expect(disposeModel(model)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(disposeModel(model)).toBe(0); // a second call is a no-op
  });

  it('shows the leak it exists for: model.dispose() alone keeps an optimiser instance', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const x = tf.ones([2, 4]);
    const y = tf.zeros([2, 3]);
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

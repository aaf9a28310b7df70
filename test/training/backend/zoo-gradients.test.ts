import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../../src/training/backend';
import { relativeError } from './helpers';

// The probe behind the kernel list: every layer a model zoo is likely to use, trained one step's
// worth of gradients (weights and input) on wasm with tfjs-tune's kernels and on cpu, on N(0, 1)
// inputs (negative values matter: wasm's own MaxPoolGrad fails on them). Tolerance 1e-4, as max
// |wasm - cpu| / max |cpu| per gradient.
const TOL = 1e-4;

const L = tf.layers;
const init = (seed: number) => tf.initializers.glorotUniform({ seed });

type Build = () => tf.layers.Layer[];

const ZOO: ReadonlyArray<[string, number[], Build, ('int' | 'float')?]> = [
  [
    'conv1d s2',
    [8, 3],
    () => [L.conv1d({ inputShape: [8, 3], filters: 4, kernelSize: 3, strides: 2, kernelInitializer: init(1) })],
  ],
  [
    'conv2d 1x1 s2 valid',
    [7, 6, 3],
    () => [L.conv2d({ inputShape: [7, 6, 3], filters: 4, kernelSize: 1, strides: 2, kernelInitializer: init(1) })],
  ],
  [
    'conv2dTranspose s2 same',
    [5, 4, 3],
    () => [
      L.conv2dTranspose({
        inputShape: [5, 4, 3],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        kernelInitializer: init(1),
      }),
    ],
  ],
  [
    'conv2dTranspose s1 valid',
    [5, 4, 3],
    () => [L.conv2dTranspose({ inputShape: [5, 4, 3], filters: 4, kernelSize: 3, kernelInitializer: init(1) })],
  ],
  [
    'depthwiseConv2d s2 same m2',
    [8, 7, 3],
    () => [
      L.depthwiseConv2d({
        inputShape: [8, 7, 3],
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        depthMultiplier: 2,
        depthwiseInitializer: init(1),
      }),
    ],
  ],
  [
    'separableConv2d d2 same',
    [8, 7, 3],
    () => [
      L.separableConv2d({
        inputShape: [8, 7, 3],
        filters: 4,
        kernelSize: 3,
        dilationRate: 2,
        padding: 'same',
        depthwiseInitializer: init(1),
        pointwiseInitializer: init(2),
      }),
    ],
  ],
  ['maxPooling2d 2 valid, odd size', [7, 5, 3], () => [L.maxPooling2d({ inputShape: [7, 5, 3], poolSize: 2 })]],
  [
    'maxPooling2d 3 s2 same',
    [8, 8, 3],
    () => [L.maxPooling2d({ inputShape: [8, 8, 3], poolSize: 3, strides: 2, padding: 'same' })],
  ],
  [
    'maxPooling2d 3 s1 same',
    [6, 7, 2],
    () => [L.maxPooling2d({ inputShape: [6, 7, 2], poolSize: 3, strides: 1, padding: 'same' })],
  ],
  [
    'averagePooling2d 3 s1 same',
    [8, 8, 3],
    () => [L.averagePooling2d({ inputShape: [8, 8, 3], poolSize: 3, strides: 1, padding: 'same' })],
  ],
  ['global pools 2d', [6, 6, 3], () => [L.globalMaxPooling2d({ inputShape: [6, 6, 3] })]],
  ['global average 2d', [6, 6, 3], () => [L.globalAveragePooling2d({ inputShape: [6, 6, 3] })]],
  [
    'pools 1d',
    [8, 3],
    () => [L.maxPooling1d({ inputShape: [8, 3], poolSize: 2 }), L.averagePooling1d({ poolSize: 2 })],
  ],
  ['batchNormalization', [6, 6, 3], () => [L.batchNormalization({ inputShape: [6, 6, 3] })]],
  ['layerNormalization', [6], () => [L.layerNormalization({ inputShape: [6] })]],
  [
    'activations',
    [6],
    () =>
      ['elu', 'selu', 'softplus', 'tanh', 'sigmoid', 'hardSigmoid', 'relu6', 'swish', 'mish', 'gelu', 'softmax'].map(
        (a) => L.activation({ inputShape: [6], activation: a as 'relu' }),
      ),
  ],
  ['leakyReLU, prelu, elu', [6], () => [L.leakyReLU({ inputShape: [6] }), L.prelu({}), L.elu({})]],
  [
    'embedding',
    [5],
    () => [L.embedding({ inputShape: [5], inputDim: 10, outputDim: 4, embeddingsInitializer: init(1) })],
    'int',
  ],
  [
    'stacked lstm',
    [5, 4],
    () => [
      L.lstm({
        inputShape: [5, 4],
        units: 3,
        returnSequences: true,
        kernelInitializer: init(1),
        recurrentInitializer: init(2),
      }),
      L.lstm({ units: 2, kernelInitializer: init(3), recurrentInitializer: init(4) }),
    ],
  ],
  [
    'gru',
    [5, 4],
    () => [L.gru({ inputShape: [5, 4], units: 3, kernelInitializer: init(1), recurrentInitializer: init(2) })],
  ],
  [
    'simpleRNN',
    [5, 4],
    () => [L.simpleRNN({ inputShape: [5, 4], units: 3, kernelInitializer: init(1), recurrentInitializer: init(2) })],
  ],
  [
    'bidirectional lstm',
    [5, 4],
    () => [
      L.bidirectional({
        inputShape: [5, 4],
        layer: L.lstm({ units: 3, kernelInitializer: init(1), recurrentInitializer: init(2) }),
      }),
    ],
  ],
  [
    'padding, cropping, bilinear upsampling',
    [5, 5, 3],
    () => [
      L.zeroPadding2d({ inputShape: [5, 5, 3], padding: 1 }),
      L.cropping2D({
        cropping: [
          [1, 0],
          [0, 1],
        ],
      }),
      L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
    ],
  ],
  [
    'repeatVector, permute, timeDistributed',
    [6],
    () => [
      L.repeatVector({ inputShape: [6], n: 3 }),
      L.permute({ dims: [2, 1] }),
      L.timeDistributed({ layer: L.dense({ units: 2, kernelInitializer: init(1) }) }),
    ],
  ],
  [
    'conv3d s1 valid',
    [4, 4, 4, 2],
    () => [L.conv3d({ inputShape: [4, 4, 4, 2], filters: 2, kernelSize: 2, kernelInitializer: init(1) })],
  ],
  [
    'conv3d s2 same',
    [5, 4, 6, 2],
    () => [
      L.conv3d({
        inputShape: [5, 4, 6, 2],
        filters: 3,
        kernelSize: [3, 2, 3],
        strides: 2,
        padding: 'same',
        kernelInitializer: init(1),
      }),
    ],
  ],
  [
    'pools 3d',
    [4, 4, 4, 2],
    () => [L.maxPooling3d({ inputShape: [4, 4, 4, 2], poolSize: 2 }), L.averagePooling3d({ poolSize: 1 })],
  ],
  [
    'convLstm2d',
    [3, 4, 4, 2],
    () => [
      L.convLstm2d({
        inputShape: [3, 4, 4, 2],
        filters: 2,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: init(1),
        recurrentInitializer: init(2),
      }),
    ],
  ],
];

/** Gradients of an MSE loss w.r.t. every weight and (for float inputs) the input, as arrays. */
async function gradients(
  side: 'cpu' | 'wasm',
  shape: number[],
  build: Build,
  dtype: 'int' | 'float',
): Promise<number[][]> {
  await tf.setBackend(side);
  const before = tf.memory().numTensors;
  const model = tf.sequential();
  for (const layer of build()) model.add(layer);
  if ((model.outputs[0]?.shape.length ?? 2) > 2) model.add(L.flatten());
  model.add(L.dense({ units: 2, kernelInitializer: init(9) }));
  const result = tf.tidy(() => {
    const x =
      dtype === 'int'
        ? tf.randomUniform([3, ...shape], 0, 10, 'int32', 4)
        : tf.randomNormal([3, ...shape], 0, 1, 'float32', 4);
    const y = tf.randomNormal([3, 2], 0, 1, 'float32', 5);
    const loss = (input: tf.Tensor) =>
      tf.losses.meanSquaredError(y, model.apply(input, { training: true }) as tf.Tensor);
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(x) as tf.Scalar, weights);
    const out = weights.map((w) => Array.from(grads[w.name]?.dataSync() ?? []));
    if (dtype === 'float') out.push(Array.from(tf.grad(loss)(x).dataSync()));
    return out;
  });
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

it.each(ZOO)('%s: wasm gradients equal cpu', async (_name, shape, build, dtype = 'float') => {
  const cpu = await gradients('cpu', shape, build, dtype);
  const wasm = await gradients('wasm', shape, build, dtype);
  expect(wasm).toHaveLength(cpu.length);
  cpu.forEach((g, i) => expect(relativeError(wasm[i] ?? [], g)).toBeLessThan(TOL));
});

// Here the cpu backend is the wrong one (tfjs 4.22's ResizeNearestNeighborGrad), so wasm is checked
// against the definition: with 2x nearest upsampling each input pixel gets its 2x2 block's dy.
it('nearest 2x upsampling: wasm gradient is the 2x2 block sum of dy', async () => {
  await tf.setBackend('wasm');
  tf.tidy(() => {
    const x = tf.randomNormal([3, 4, 5, 2], 0, 1, 'float32', 6);
    const dy = tf.randomNormal([3, 8, 10, 2], 0, 1, 'float32', 7);
    const grad = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(tf.image.resizeNearestNeighbor(input as tf.Tensor4D, [8, 10]), dy)),
    )(x);
    const reference = tf.sum(tf.reshape(dy, [3, 4, 2, 5, 2, 2]), [2, 4]);
    expect(relativeError(grad, reference)).toBeLessThan(TOL);
  });
});

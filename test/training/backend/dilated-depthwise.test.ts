import * as tf from '@tensorflow/tfjs';

import { DilatedDepthwiseConv2D, dilatedDepthwiseConv2d, initBackend } from '../../../src/training/backend';
import { disposeModel } from '../../../src/training/dispose-model';
import { gradsOf, onBackend, relativeError, values } from './helpers';

const TOL = 1e-4; // max |a - b| / max |b|, float32

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Depthwise conv by explicit loops (NHWC, 'same' or 'valid', stride 1): the reference. */
function loopDepthwise(
  x: number[],
  [b, h, w, c]: number[],
  f: number[],
  [kh, kw, , m]: number[],
  dilation: number,
  padding: 'same' | 'valid',
): { out: number[]; shape: number[] } {
  const effH = (kh! - 1) * dilation + 1;
  const effW = (kw! - 1) * dilation + 1;
  const outH = padding === 'same' ? h! : h! - effH + 1;
  const outW = padding === 'same' ? w! : w! - effW + 1;
  const top = padding === 'same' ? Math.floor((effH - 1) / 2) : 0;
  const left = padding === 'same' ? Math.floor((effW - 1) / 2) : 0;
  const out: number[] = [];
  for (let n = 0; n < b!; n++)
    for (let i = 0; i < outH; i++)
      for (let j = 0; j < outW; j++)
        for (let ch = 0; ch < c!; ch++)
          for (let q = 0; q < m!; q++) {
            let sum = 0;
            for (let u = 0; u < kh!; u++)
              for (let v = 0; v < kw!; v++) {
                const r = i - top + u * dilation;
                const s = j - left + v * dilation;
                if (r < 0 || r >= h! || s < 0 || s >= w!) continue;
                sum += x[((n * h! + r) * w! + s) * c! + ch]! * f[((u * kw! + v) * c! + ch) * m! + q]!;
              }
            out.push(sum);
          }
  return { out, shape: [b!, outH, outW, c! * m!] };
}

describe('DilatedDepthwiseConv2D', () => {
  const xShape = [2, 9, 8, 3];
  const x = values(xShape, 21);

  it.each([
    ['cpu', 'same'],
    ['cpu', 'valid'],
    ['wasm', 'same'],
    ['wasm', 'valid'],
  ] as const)('really dilates on %s (%s): loops agree, undilated differs', async (side, padding) => {
    await onBackend(side, () => {
      const layer = dilatedDepthwiseConv2d({
        kernelSize: 3,
        dilationRate: 2,
        padding,
        depthMultiplier: 2,
        useBias: false,
      });
      const stock = tf.layers.depthwiseConv2d({
        kernelSize: 3,
        dilationRate: 2,
        padding,
        depthMultiplier: 2,
        useBias: false,
      });
      tf.tidy(() => {
        const input = tf.tensor4d(x, xShape as [number, number, number, number]);
        const y = layer.apply(input) as tf.Tensor;
        stock.apply(input); // builds its kernel
        const kernel = layer.getWeights()[0]!;
        stock.setWeights([kernel]);
        const reference = loopDepthwise(x, xShape, Array.from(kernel.dataSync()), kernel.shape, 2, padding);
        expect(y.shape).toEqual(reference.shape);
        expect(layer.computeOutputShape([null, 9, 8, 3])).toEqual([null, ...reference.shape.slice(1)]);
        expect(relativeError(y, reference.out)).toBeLessThan(TOL);
        // The stock layer ignores dilationRate: its output is the undilated conv, and differs.
        const undilated = loopDepthwise(x, xShape, Array.from(kernel.dataSync()), kernel.shape, 1, padding);
        const stockY = stock.apply(input) as tf.Tensor;
        if (padding === 'same') {
          expect(relativeError(stockY, undilated.out)).toBeLessThan(TOL);
          expect(relativeError(y, undilated.out)).toBeGreaterThan(0.1);
        } else {
          expect(stockY.shape).not.toEqual(y.shape);
        }
      });
      layer.dispose();
      stock.dispose();
    });
  });

  it('round-trips through model JSON under its own class name', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [dilatedDepthwiseConv2d({ inputShape: [9, 8, 3], kernelSize: 3, dilationRate: 2, padding: 'same' })],
    });
    const topology = model.toJSON(null, false) as {
      config: { layers: Array<{ class_name: string; config: { dilation_rate: unknown } }> };
    };
    expect(topology.config.layers[0]?.class_name).toBe('DilatedDepthwiseConv2D');
    expect(topology.config.layers[0]?.config.dilation_rate).toEqual([2, 2]);
    const restored = await tf.models.modelFromJSON({
      modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
    });
    expect(restored.layers[0]).toBeInstanceOf(DilatedDepthwiseConv2D);
    expect(restored.outputs[0]?.shape).toEqual([null, 9, 8, 3]);
    disposeModel(model);
    disposeModel(restored);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('dilated depthwise gradient', () => {
  const xShape = [2, 9, 8, 3];
  const fShape = [3, 2, 3, 2];
  const inputs: Array<[number[], number[]]> = [
    [xShape, values(xShape, 22)],
    [fShape, values(fShape, 23)],
  ];

  // Independent reference: the same dilated conv written as an undilated conv with a dense filter
  // (zeros between the taps) built by differentiable ops, so tfjs-core's own undilated gradient and
  // the pad/reshape/slice gradients compute it.
  function denseFilterConv(x: tf.Tensor, f: tf.Tensor, padding: 'same' | 'valid'): tf.Tensor {
    const [kh, kw, c, m] = f.shape as [number, number, number, number];
    const spread = tf.pad(tf.reshape(f, [kh, 1, kw, 1, c * m]), [
      [0, 0],
      [0, 1],
      [0, 0],
      [0, 1],
      [0, 0],
    ]);
    const dense = tf.slice(tf.reshape(spread, [kh * 2, kw * 2, c, m]), [0, 0, 0, 0], [kh * 2 - 1, kw * 2 - 1, c, m]);
    return tf.depthwiseConv2d(x as tf.Tensor4D, dense as tf.Tensor4D, 1, padding);
  }

  it.each([
    ['cpu', 'same'],
    ['cpu', 'valid'],
    ['wasm', 'same'],
    ['wasm', 'valid'],
  ] as const)('matches the dense-filter reference on %s (%s)', async (side, padding) => {
    const ours = await onBackend(side, () =>
      gradsOf((x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, padding, 'NHWC', 2), inputs),
    );
    const reference = await onBackend('cpu', () => gradsOf((x, f) => denseFilterConv(x, f, padding), inputs));
    expect(relativeError(ours[0]!, reference[0]!)).toBeLessThan(TOL);
    expect(relativeError(ours[1]!, reference[1]!)).toBeLessThan(TOL);
  });

  it('lets a dilated separable conv and the dilated layer train on wasm as on cpu', async () => {
    const run = async (side: 'cpu' | 'wasm') => {
      await tf.setBackend(side);
      const before = tf.memory().numTensors;
      const init = (seed: number) => tf.initializers.glorotUniform({ seed });
      const model = tf.sequential({
        layers: [
          dilatedDepthwiseConv2d({
            inputShape: [10, 10, 3],
            kernelSize: 3,
            dilationRate: 2,
            padding: 'same',
            depthwiseInitializer: init(1),
          }),
          tf.layers.separableConv2d({
            filters: 4,
            kernelSize: 3,
            dilationRate: 2,
            padding: 'same',
            depthwiseInitializer: init(2),
            pointwiseInitializer: init(3),
          }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 2, kernelInitializer: init(4) }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const x = tf.tensor4d(values([4, 10, 10, 3], 24), [4, 10, 10, 3]);
      const y = tf.tensor2d(values([4, 2], 25), [4, 2]);
      const out: number[] = [];
      for (let i = 0; i < 4; i++) out.push((await model.trainOnBatch(x, y)) as number);
      tf.dispose([x, y]);
      disposeModel(model);
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(cpu[3]).toBeLessThan(cpu[0]!);
    expect(relativeError(wasm, cpu)).toBeLessThan(TOL);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { batchNormTraining, initBackend } from '../../../src/training/backend';
import { reluGradient } from '../../../src/training/backend/ops/relu-grad';
import { KERNELS_SOURCE_SHA256, KERNELS_WASM_BASE64 } from '../../../src/training/backend/simd/kernels-wasm';
import { setSimdKernelsEnabled, simdKernelsFor } from '../../../src/training/backend/simd/simd-kernels';
import { gradsOf, onBackend, relativeError, values } from './helpers';

// Our C kernels (src/training/backend/simd/kernels.c) against the cpu backend's own kernels and
// against the JS loops they replace on wasm: values and gradients, odd channel counts (the SIMD
// loops' scalar tails), padding and overlapping windows; and the committed binary against its source.
const TOL = 1e-5;
const SOURCE = join(__dirname, '../../../src/training/backend/simd/kernels.c');

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

afterEach(() => setSimdKernelsEnabled(true));

/** Gradients on cpu, on wasm with the C kernels and on wasm with the JS loops. */
async function threeWays(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Array<[number[], number[]]>) {
  const cpu = await onBackend('cpu', () => gradsOf(f, inputs));
  const simd = await onBackend('wasm', () => gradsOf(f, inputs));
  setSimdKernelsEnabled(false);
  const js = await onBackend('wasm', () => gradsOf(f, inputs));
  setSimdKernelsEnabled(true);
  return { cpu, simd, js };
}

function expectClose(actual: number[][], expected: number[][], tol = TOL): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(relativeError(a, expected[i] ?? [])).toBeLessThan(tol));
}

describe('the module', () => {
  it('loads on the wasm backend, sharing its memory', async () => {
    await tf.setBackend('wasm');
    const kernels = simdKernelsFor(tf.backend());
    expect(kernels).toBeDefined();
    expect(kernels?.maxChannels).toBeGreaterThanOrEqual(1024);
  });

  it('is off when asked, and never on another backend', async () => {
    await tf.setBackend('wasm');
    setSimdKernelsEnabled(false);
    expect(simdKernelsFor(tf.backend())).toBeUndefined();
    setSimdKernelsEnabled(true);
    await tf.setBackend('cpu');
    expect(simdKernelsFor(tf.backend())).toBeUndefined();
  });

  it('was compiled from the kernels.c beside it (rebuild with scripts/build-simd-kernels.sh)', () => {
    expect(createHash('sha256').update(readFileSync(SOURCE)).digest('hex')).toBe(KERNELS_SOURCE_SHA256);
  });

  it('holds no data segment, which would be written over tfjs heap', () => {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    const sections: number[] = [];
    let at = 8;
    while (at < bytes.length) {
      const id = bytes[at++] as number;
      let size = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[at++] as number;
        size |= (byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) break;
      }
      sections.push(id);
      at += size;
    }
    expect(sections).toContain(10); // code
    expect(sections).not.toContain(11); // data
  });

  const clang = spawnSync('clang', ['--version']).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0;
  (clang ? it : it.skip)('is what the build script makes from it today (needs clang and lld)', () => {
    const script = join(__dirname, '../../../scripts/build-simd-kernels.sh');
    expect(() => execFileSync('bash', [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
  if (!clang) console.warn('simd-kernels: clang/wasm-ld absent, so the rebuild comparison is skipped');
});

describe('MaxPoolGrad', () => {
  // Channels 5 and 3: one SIMD step plus a scalar tail, and a tail alone; negative values (the
  // case wasm's own kernel gets wrong), ties, -Infinity windows.
  const cases: Array<[string, number[], number, number, 'same' | 'valid']> = [
    ['2x2 s2 valid, 5 channels', [2, 7, 6, 5], 2, 2, 'valid'],
    ['3x3 s2 same (overlapping), 8 channels', [2, 8, 7, 8], 3, 2, 'same'],
    ['3x3 s1 same, 3 channels', [1, 5, 6, 3], 3, 1, 'same'],
  ];
  it.each(cases)('%s: C, JS and cpu agree', async (_label, shape, size, stride, pad) => {
    const data = values(shape, 7).map((v, i) => (i % 11 === 0 ? 0.25 : v)); // repeated values: ties
    const f = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, size, stride, pad);
    const { cpu, simd, js } = await threeWays(f, [[shape, data]]);
    expectClose(simd, cpu);
    expectClose(js, cpu);
  });

  it('a window of -Infinity passes no gradient, as on cpu', async () => {
    const shape = [1, 4, 4, 4];
    const data = values(shape, 8).map((v, i) => (i < 32 ? Number.NEGATIVE_INFINITY : v));
    const f = (x: tf.Tensor) => tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), 1);
    const grads = (side: 'cpu' | 'wasm') =>
      onBackend(side, () =>
        tf.tidy(() => {
          const x = tf.tensor(data, shape);
          return Array.from(
            tf
              .grad((a: tf.Tensor) => tf.sum(f(a)))(x)
              .dataSync(),
          );
        }),
      );
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    expect(wasm).toEqual(cpu);
    expect(wasm.slice(0, 32).every((g) => g === 0)).toBe(true);
  });
});

describe('Conv2DBackpropFilter', () => {
  // Output channels 31 = 16 + 8 + 4 + 3: every tile width and the scalar tail; 3 input channels:
  // one pair and a single row; stride 2 and same padding: taps that skip rows and columns.
  const cases: Array<[string, number[], number[], number | [number, number], 'same' | 'valid']> = [
    ['3x3 s1 same, 3 → 31 channels', [2, 7, 6, 3], [3, 3, 3, 31], 1, 'same'],
    ['3x3 s2 same, 4 → 12 channels', [2, 9, 8, 4], [3, 3, 4, 12], 2, 'same'],
    ['5x2 s(2,1) valid, 5 → 6 channels', [1, 9, 7, 5], [5, 2, 5, 6], [2, 1], 'valid'],
    ['1x1 s1 valid, 6 → 16 channels', [2, 4, 5, 6], [1, 1, 6, 16], 1, 'valid'],
  ];
  it.each(cases)('%s: C, JS and cpu agree', async (_label, xShape, filterShape, strides, pad) => {
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
    const { cpu, simd, js } = await threeWays(f, [
      [xShape, values(xShape, 11)],
      [filterShape, values(filterShape, 12)],
    ]);
    expectClose(simd, cpu, 1e-4);
    expectClose(js, cpu, 1e-4);
  });
});

describe('DepthwiseConv2dNativeBackpropFilter', () => {
  // 21 channels = 16 + 4 + 1; multiplier 2 takes the scalar loop; dilation and stride skip taps.
  const cases: Array<[string, number, number, number, 'same' | 'valid', number]> = [
    ['21 channels m1 s1 d1 same', 21, 1, 1, 'same', 1],
    ['21 channels m1 s1 d2 same', 21, 1, 1, 'same', 2],
    ['6 channels m1 s2 d1 valid', 6, 1, 2, 'valid', 1],
    ['3 channels m2 s1 d2 same', 3, 2, 1, 'same', 2],
  ];
  it.each(cases)('%s: C, JS and cpu agree', async (_label, channels, mult, strides, pad, dilation) => {
    const xShape = [2, 9, 8, channels];
    const filterShape = [3, 3, channels, mult];
    const f = (x: tf.Tensor, w: tf.Tensor) =>
      tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dilation);
    const { cpu, simd, js } = await threeWays(f, [
      [xShape, values(xShape, 13)],
      [filterShape, values(filterShape, 14)],
    ]);
    expectClose(simd, cpu, 1e-4);
    expectClose(js, cpu, 1e-4);
  });
});

describe('Sum and Mean over rows of channels', () => {
  // Columns 6 = 4 + 2 (vector and tail), rows 300 (several runs of 64), keepDims and negative
  // axes, the pixels of NHWC (global average pooling); reductions over other axes keep wasm's
  // kernel and still agree.
  const cases: Array<[string, 'sum' | 'mean', number[], number[], boolean]> = [
    ['sum [5, 60, 6] over [0, 1]', 'sum', [5, 60, 6], [0, 1], false],
    ['sum [5, 60, 6] over [1, 0], keepDims', 'sum', [5, 60, 6], [1, 0], true],
    ['sum [300, 9] over -2', 'sum', [300, 9], [-2], false],
    ['sum [3, 4, 5, 6] over [1, 2] (per batch)', 'sum', [3, 4, 5, 6], [1, 2], false],
    ['sum [4, 5, 6] over [0, 2] (not a run before the last)', 'sum', [4, 5, 6], [0, 2], false],
    ['mean [3, 7, 9, 5] over [1, 2] (global average pooling)', 'mean', [3, 7, 9, 5], [1, 2], false],
    ['mean [3, 7, 9, 5] over [1, 2], keepDims', 'mean', [3, 7, 9, 5], [1, 2], true],
    ['mean [6, 10] over 0', 'mean', [6, 10], [0], false],
    ['mean [4, 5, 6] over -1 (the last axis)', 'mean', [4, 5, 6], [-1], false],
  ];
  it.each(cases)('%s: C, wasm and cpu agree', async (_label, op, shape, axes, keepDims) => {
    const data = values(shape, 15).map((v) => v + 3);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor(data, shape);
        const summed = op === 'sum' ? tf.sum(x, axes, keepDims) : tf.mean(x, axes, keepDims);
        return [Array.from(summed.dataSync()), summed.shape];
      });
    const [cpu, cpuShape] = await onBackend('cpu', run);
    const [simd, simdShape] = await onBackend('wasm', run);
    setSimdKernelsEnabled(false);
    const [stock] = await onBackend('wasm', run);
    expect(simdShape).toEqual(cpuShape);
    expectClose([simd as number[]], [cpu as number[]], 1e-6);
    expectClose([stock as number[]], [cpu as number[]], 1e-5);
  });

  it('int32 sums keep their dtype', async () => {
    await tf.setBackend('wasm');
    const summed = tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0));
    expect(summed.dtype).toBe('int32');
    expect(Array.from(await summed.data())).toEqual([4, 6]);
    summed.dispose();
  });
});

describe("ReLU's gradient", () => {
  it('C, the stock formula and cpu agree, zeros and NaN included', async () => {
    const shape = [3, 5, 7];
    const data = values(shape, 16).map((v, i) => (i % 13 === 0 ? 0 : i === 7 ? Number.NaN : v));
    const f = (x: tf.Tensor) => tf.relu(x);
    const grads = async () => {
      const wasm = await onBackend('wasm', () => gradsOf(f, [[shape, data]]));
      return wasm[0] ?? [];
    };
    const cpu = (await onBackend('cpu', () => gradsOf(f, [[shape, data]])))[0] ?? [];
    const simd = await grads();
    setSimdKernelsEnabled(false);
    const stock = await grads();
    setSimdKernelsEnabled(true);
    expect(simd).toEqual(cpu);
    expect(stock).toEqual(cpu);
    expect(Number.isNaN(simd[7])).toBe(true);
    expect(simd[0]).toBe(0);
    expect(tf.getGradient(tf.Relu).gradFunc).toBe(reluGradient.gradFunc); // ours is the one registered
  });
});

describe('fused batch norm', () => {
  // 6 and 13 channels: SIMD steps and tails; an offset mean so centring matters.
  it.each([[[3, 4, 5, 6]], [[7, 13]]])(
    'shape %j: outputs and gradients of C and JS agree, and with cpu',
    async (shape) => {
      const channels = shape[shape.length - 1] as number;
      const xv = values(shape, 21).map((v) => 3 * v + 40);
      const gv = values([channels], 22);
      const bv = values([channels], 23);
      const wv = values(shape, 24);
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor(xv, shape);
          const gamma = tf.tensor1d(gv);
          const beta = tf.tensor1d(bv);
          const weights = tf.tensor(wv, shape);
          const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            const [y, mean, variance] = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
            return tf.addN([tf.sum(tf.mul(y, weights)), tf.sum(tf.mul(mean, 0.3)), tf.sum(tf.mul(variance, -0.7))]);
          };
          const outs = batchNormTraining(x, gamma, beta, 1e-3).map((t) => Array.from(t.dataSync()));
          const grads = tf
            .grads(loss)([x, gamma, beta])
            .map((t) => Array.from(t.dataSync()));
          return [...outs, ...grads];
        });
      const cpu = await onBackend('cpu', run);
      const simd = await onBackend('wasm', run);
      setSimdKernelsEnabled(false);
      const js = await onBackend('wasm', run);
      setSimdKernelsEnabled(true);
      expectClose(simd, js);
      expectClose(simd, cpu);
    },
  );

  it('more channels than the C kernel takes fall back to the JS loops', async () => {
    await tf.setBackend('wasm');
    const limit = simdKernelsFor(tf.backend())?.maxChannels ?? 0;
    const shape = [2, limit + 3];
    const xv = values(shape, 25);
    const run = () =>
      tf.tidy(() => {
        const [y] = batchNormTraining(tf.tensor(xv, shape), tf.ones([limit + 3]), tf.zeros([limit + 3]), 1e-3);
        return [Array.from(y.dataSync())];
      });
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    expectClose(wasm, cpu);
  });
});

import * as tf from '@tensorflow/tfjs';

import {
  initBackend,
  patchedWasmKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from '../../../src/training/backend';
import { dilateFilter } from '../../../src/training/backend/kernels/conv-layout';
import { worthTransposing } from '../../../src/training/backend/kernels/untransposed-matmul';
import { gradsOf, onBackend, relativeError, values } from './helpers';

// Every replacement kernel against the cpu backend's own kernels. Tolerance: 1e-4, as max
// |wasm - cpu| / max |cpu| per gradient (float32 sums in a different order differ by ~1e-6).
const TOL = 1e-4;

type Pad = 'same' | 'valid';

beforeAll(async () => {
  const info = await initBackend({ backend: 'wasm' });
  expect(info.name).toBe('wasm');
});

/** The same gradient on cpu and on wasm (with our kernels), as arrays. */
async function bothSides(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Array<[number[], number[]]>) {
  const cpu = await onBackend('cpu', () => gradsOf(f, inputs));
  const wasm = await onBackend('wasm', () => gradsOf(f, inputs));
  return { cpu, wasm };
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(relativeError(a, expected[i] ?? [])).toBeLessThan(TOL));
}

describe('conv2d gradients (Conv2DBackpropFilter added, Conv2DBackpropInput replaced)', () => {
  const x: [number[], number[]] = [[2, 7, 9, 3], values([2, 7, 9, 3], 1)];
  const cases: Array<[string, number[], number | [number, number], Pad]> = [
    ['3x2 s1 same', [3, 2, 3, 4], 1, 'same'],
    ['3x2 s1 valid', [3, 2, 3, 4], 1, 'valid'],
    ['3x3 s2 same', [3, 3, 3, 4], 2, 'same'],
    ['3x3 s2 valid', [3, 3, 3, 4], 2, 'valid'],
    ['2x3 s(2,1) same', [2, 3, 3, 5], [2, 1], 'same'],
    ['1x1 s2 valid (shortcut)', [1, 1, 3, 4], 2, 'valid'],
    ['1x1 s1 valid (pointwise, as one matMul)', [1, 1, 3, 4], 1, 'valid'],
    ['1x1 s1 same (pointwise, as one matMul)', [1, 1, 3, 4], 1, 'same'],
    ['5x5 s3 same (stride past the replacement)', [5, 5, 3, 2], 3, 'same'],
  ];
  it.each(cases)('%s', async (_label, filterShape, strides, pad) => {
    const filter: [number[], number[]] = [filterShape, values(filterShape, 2)];
    const { cpu, wasm } = await bothSides(
      (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad),
      [x, filter],
    );
    expectClose(wasm, cpu);
  });
});

describe('depthwise conv gradients (both backprop kernels added)', () => {
  const x: [number[], number[]] = [[2, 7, 9, 3], values([2, 7, 9, 3], 3)];
  const cases: Array<[string, number, number, Pad, number]> = [];
  for (const mult of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      cases.push([`m${mult} s1 d1 ${pad}`, mult, 1, pad, 1]);
      cases.push([`m${mult} s2 d1 ${pad}`, mult, 2, pad, 1]);
      cases.push([`m${mult} s1 d2 ${pad}`, mult, 1, pad, 2]);
    }
  }
  it.each(cases)('%s', async (_label, mult, strides, pad, dilation) => {
    const filter: [number[], number[]] = [[3, 2, 3, mult], values([3, 2, 3, mult], 4)];
    const { cpu, wasm } = await bothSides(
      (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, 'NHWC', dilation),
      [x, filter],
    );
    expectClose(wasm, cpu);
  });

  // The gradient passes dilation 1 to the kernels (dense filter), but the wasm kernels also take a
  // dilation themselves: check that path against cpu's kernels run on the dense filter.
  it.each(['same', 'valid'] as const)('wasm kernels with dilations=2 directly (%s)', async (pad) => {
    const xs = [2, 8, 7, 3];
    const fs = [3, 2, 3, 2];
    const xv = values(xs, 5);
    const fv = values(fs, 6);
    const run = (dilated: boolean) =>
      tf.tidy(() => {
        const xt = tf.tensor4d(xv, xs as [number, number, number, number]);
        const f = tf.tensor4d(fv, fs as [number, number, number, number]);
        const filter = dilated ? f : dilateFilter(f, 2, 2);
        const attrs = { strides: 1, pad, dilations: dilated ? 2 : 1 };
        const y = tf.depthwiseConv2d(xt, filter, 1, pad, 'NHWC', dilated ? 2 : 1);
        const dy = tf.tensor(values(y.shape, 7), y.shape);
        const dx = tf
          .engine()
          .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: xs }) as tf.Tensor;
        const df = tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: xt, dy },
            { ...attrs, filterShape: filter.shape },
          ) as tf.Tensor4D;
        const dfOriginal = dilated ? df : tf.stridedSlice(df, [0, 0, 0, 0], df.shape, [2, 2, 1, 1]);
        return [Array.from(dx.dataSync()), Array.from(dfOriginal.dataSync())];
      });
    const reference = await onBackend('cpu', () => run(false));
    const native = await onBackend('wasm', () => run(true));
    expectClose(native, reference);
  });
});

describe('transposed matMul (BatchMatMul and _FusedMatMul replaced)', () => {
  const flags: Array<[boolean, boolean]> = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];
  it.each(flags)('batched 3x70x80 @ 3x80x90, transposeA=%s transposeB=%s', async (ta, tb) => {
    const a: [number[], number[]] = [ta ? [3, 80, 70] : [3, 70, 80], values([3 * 70 * 80], 8)];
    const b: [number[], number[]] = [tb ? [3, 90, 80] : [3, 80, 90], values([3 * 80 * 90], 9)];
    const { cpu, wasm } = await bothSides((x, y) => tf.matMul(x, y, ta, tb), [a, b]);
    expectClose(wasm, cpu);
  });

  it.each(flags)('fused with bias and relu, transposeA=%s transposeB=%s', async (ta, tb) => {
    const a: [number[], number[]] = [ta ? [80, 70] : [70, 80], values([70 * 80], 10)];
    const b: [number[], number[]] = [tb ? [90, 80] : [80, 90], values([80 * 90], 11)];
    const bias: [number[], number[]] = [[90], values([90], 12)];
    const forward = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.fused.matMul({ a: x, b: y, transposeA: ta, transposeB: tb, bias: z, activation: 'relu' });
    const { cpu, wasm } = await bothSides(forward, [a, b, bias]);
    expectClose(wasm, cpu);
    const out = async (side: 'cpu' | 'wasm') =>
      onBackend(side, () =>
        tf.tidy(() =>
          Array.from(forward(tf.tensor(a[1], a[0]), tf.tensor(b[1], b[0]), tf.tensor(bias[1], bias[0])).dataSync()),
        ),
      );
    expect(relativeError(await out('wasm'), await out('cpu'))).toBeLessThan(TOL);
  });

  it('transposes first only where the benchmark says it pays', () => {
    const flags = (transposeA: boolean, transposeB: boolean) => ({ transposeA, transposeB });
    expect(worthTransposing([64, 64], [64, 64], flags(true, false))).toBe(true);
    expect(worthTransposing([32, 3072], [256, 3072], flags(false, true))).toBe(true);
    expect(worthTransposing([16, 16], [16, 16], flags(true, false))).toBe(false);
    expect(worthTransposing([1, 512], [512, 512], flags(false, true))).toBe(false); // GEMV: keep the flag
  });

  it('a product not worth transposing keeps its flags and is still right', async () => {
    const a: [number[], number[]] = [[5, 4], values([20], 13)];
    const b: [number[], number[]] = [[6, 5], values([30], 14)];
    const { cpu, wasm } = await bothSides((x, y) => tf.matMul(x, y, true, true), [a, b]);
    expectClose(wasm, cpu);
  });
});

describe('UnsortedSegmentSum (added)', () => {
  it('sums duplicate ids and drops out-of-range ones, as TensorFlow does', async () => {
    const x = values([6, 2, 3], 15);
    const ids = [0, 2, 0, 5, -1, 2];
    const result = await onBackend('wasm', () =>
      tf.tidy(() =>
        Array.from(tf.unsortedSegmentSum(tf.tensor3d(x, [6, 2, 3]), tf.tensor1d(ids, 'int32'), 4).dataSync()),
      ),
    );
    const expected = new Array<number>(4 * 6).fill(0);
    ids.forEach((id, row) => {
      if (id < 0 || id >= 4) return;
      for (let j = 0; j < 6; j++) expected[id * 6 + j] = (expected[id * 6 + j] ?? 0) + (x[row * 6 + j] ?? 0);
    });
    expect(relativeError(result, expected)).toBeLessThan(TOL);
  });

  it('gives the gather (embedding) gradient of cpu', async () => {
    const table: [number[], number[]] = [[10, 4], values([10, 4], 16)];
    const indices = [1, 3, 3, 9, 0, 1, 1, 7];
    const { cpu, wasm } = await bothSides((t) => tf.gather(t, tf.tensor2d(indices, [2, 4], 'int32')), [table]);
    expectClose(wasm, cpu);
  });
});

describe('Slice, Unpack, SplitV (replaced: read the input in place)', () => {
  const shape = [4, 5, 6, 7];
  const data = values(shape, 17);
  const run = (body: (x: tf.Tensor) => tf.Tensor[]) => (side: 'cpu' | 'wasm') =>
    onBackend(side, () => tf.tidy(() => body(tf.tensor(data, shape)).map((t) => [t.shape, Array.from(t.dataSync())])));
  const cases: Array<[string, (x: tf.Tensor) => tf.Tensor[]]> = [
    ['interior slice', (x) => [tf.slice(x, [1, 2, 1, 3], [2, 3, 4, 2])]],
    ['slice keeping trailing axes', (x) => [tf.slice(x, [1, 1, 0, 0], [2, 3, 6, 7])]],
    ['contiguous slice', (x) => [tf.slice(x, [2, 0, 0, 0], [1, 5, 6, 7])]],
    [
      'rank 1 and rank 2',
      (x) => [tf.slice(tf.reshape(x, [840]), 17, 40), tf.slice(tf.reshape(x, [20, 42]), [3, 5], [4, 30])],
    ],
    ['rank 5', (x) => [tf.slice(tf.reshape(x, [4, 5, 2, 3, 7]), [1, 2, 1, 0, 2], [2, 2, 1, 3, 4])]],
    ['unstack every axis', (x) => [0, 1, 2, 3].flatMap((axis) => tf.unstack(x, axis))],
    [
      'split along each axis',
      (x) => [...tf.split(x, [1, 3], 0), ...tf.split(x, 5, 1), ...tf.split(x, [2, 4], 2), ...tf.split(x, [3, 1, 3], 3)],
    ],
    ['int32 slice', (x) => [tf.slice(tf.cast(tf.mul(x, 100), 'int32'), [0, 1, 2, 3], [3, 3, 3, 3])]],
  ];
  it.each(cases)('%s', async (_label, body) => {
    const cpu = await run(body)('cpu');
    const wasm = await run(body)('wasm');
    expect(wasm).toEqual(cpu);
  });

  it('strings keep the original path', async () => {
    await onBackend('wasm', () =>
      tf.tidy(() => {
        const words = tf.tensor1d(['a', 'b', 'c', 'd']);
        expect(tf.slice(words, 1, 2).arraySync()).toEqual(['b', 'c']);
        expect(tf.unstack(words).map((t) => t.arraySync())).toEqual(['a', 'b', 'c', 'd']);
      }),
    );
  });
});

describe('Identity (replaced by a shared reference)', () => {
  it('a clone outlives its source and memory returns to baseline', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('registration', () => {
  it('is idempotent and can be undone', () => {
    const patched = registerWasmTrainingKernels();
    expect(patched).toEqual(registerWasmTrainingKernels());
    expect(patched).toEqual(
      expect.arrayContaining([
        'BatchMatMul',
        'Conv2DBackpropFilter',
        'Conv3DBackpropFilterV2',
        'Conv3DBackpropInputV2',
        'MaxPoolGrad',
        'Slice',
        'SplitV',
        'Unpack',
        'Conv2DBackpropInput',
        'DepthwiseConv2dNativeBackpropFilter',
        'DepthwiseConv2dNativeBackpropInput',
        'UnsortedSegmentSum',
        '_FusedMatMul',
      ]),
    );
    const nativeMatMul = (): tf.KernelConfig | undefined => {
      unregisterWasmTrainingKernels();
      return tf.getKernel('BatchMatMul', 'wasm');
    };
    expect(nativeMatMul()).toBeDefined();
    expect(patchedWasmKernels()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(registerWasmTrainingKernels()).toEqual(patched);
    expect(patchedWasmKernels()).toEqual(patched);
  });
});

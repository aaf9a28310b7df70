import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../src/training/backend';
import { DartsMixedOp, DartsOp } from '../../src/nas/darts-layers';
import { PRIMITIVES } from '../../src/nas/primitives';
import { images, localName, maxAbsDiff } from './helpers';

describe('DARTS primitives and the MixedOp (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each(PRIMITIVES.flatMap((op) => [1, 2].map((stride) => [op, stride] as const)))(
    '%s at stride %i keeps the channels and divides H and W by the stride',
    (op, stride) => {
      const x = images(2, 8, 4, 1);
      const layer = new DartsOp({ op, stride, seed: 3 });
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      expect(y.shape).toEqual([2, 8 / stride, 8 / stride, 4]);
      expect(layer.computeOutputShape([null, 8, 8, 4])).toEqual([null, 8 / stride, 8 / stride, 4]);
      if (op === 'none') expect(tf.tidy(() => tf.max(tf.abs(y)).dataSync()[0])).toBe(0);
      if (op === 'skip_connect' && stride === 1) expect(maxAbsDiff(y, x)).toBe(0);
      // A stride-2 skip is a FactorizedReduce: two shifted 1x1 convs, so it has weights of its own.
      if (op === 'skip_connect' && stride === 2) expect(layer.trainableWeights).toHaveLength(2);
      tf.dispose([x, y]);
    },
  );

  it('refuses an unknown op and a stride other than 1 or 2, naming the field', () => {
    expect(() => new DartsOp({ op: 'conv_7x7' as never, stride: 1, seed: 1 })).toThrow(
      /op: got "conv_7x7"; expected one of none, skip_connect/,
    );
    expect(() => new DartsOp({ op: 'max_pool_3x3', stride: 3, seed: 1 })).toThrow(/stride: got 3; expected 1 or 2/);
  });

  it.each(PRIMITIVES.flatMap((op) => [1, 2].map((stride) => [op, stride] as const)))(
    'a MixedOp whose α is one-hot on %s (stride %i) equals that op alone',
    (op, stride) => {
      const base = tf.memory().numTensors;
      const x = images(3, 8, 4, 2);
      const mixed = new DartsMixedOp({ stride, seed: 5 });
      tf.dispose(mixed.apply(x) as tf.Tensor);
      const alone = new DartsOp({ op, stride, poolBatchNorm: true, seed: 9 });
      tf.dispose(alone.apply(x) as tf.Tensor);
      // Same weights: the op's weights carry the same names inside the MixedOp.
      const byName = new Map(mixed.weights.map((w) => [localName(w), w]));
      for (const w of alone.weights) {
        const source = byName.get(localName(w));
        expect(source).toBeDefined();
        w.write(source!.read());
      }
      const k = PRIMITIVES.indexOf(op);
      const alpha = mixed.weights.find((w) => localName(w) === 'alpha')!;
      // exp(-1e4) is 0 in float32: softmax(α) is exactly one-hot.
      const oneHot = tf.tensor1d(PRIMITIVES.map((_, i) => (i === k ? 0 : -1e4)));
      alpha.write(oneHot);
      oneHot.dispose();
      for (const training of [false, true]) {
        const a = mixed.apply(x, { training }) as tf.Tensor;
        const b = alone.apply(x, { training }) as tf.Tensor;
        expect(a.shape).toEqual(b.shape);
        expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
        tf.dispose([a, b]);
      }
      tf.dispose(x);
      mixed.dispose();
      alone.dispose();
      expect(tf.memory().numTensors).toBe(base);
    },
  );
});

describe('avg_pool_3x3 (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each([1, 2])(
    'averages over the pixels inside the image, and its gradient agrees at the border (stride %i)',
    (stride) => {
      const base = tf.memory().numTensors;
      const layer = new DartsOp({ op: 'avg_pool_3x3', stride, seed: 1 });
      const x = images(1, 6, 1, 8);
      const y = layer.apply(x) as tf.Tensor;
      // The corner window holds 4 real pixels (count_include_pad=False).
      const xs = x.arraySync() as number[][][][];
      const corner = (xs[0]![0]![0]![0]! + xs[0]![0]![1]![0]! + xs[0]![1]![0]![0]! + xs[0]![1]![1]![0]!) / 4;
      if (stride === 1) expect((y.arraySync() as number[][][][])[0]![0]![0]![0]).toBeCloseTo(corner, 6);
      const w = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
      const f = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, w));
      const g = tf.grad(f)(x);
      // The op is linear: the gradient at each input pixel is the change of f when that pixel moves by 1.
      const gs = g.arraySync() as number[][][][];
      for (const [i, j] of [
        [0, 0],
        [0, 5],
        [5, 5],
        [2, 3],
      ] as const) {
        const moved = tf.tidy(() => tf.add(x, tf.scatterND([[0, i, j, 0]], [1], x.shape)));
        const delta = tf.tidy(() => tf.sub(f(moved), f(x)).dataSync()[0] as number);
        expect(gs[0]![i]![j]![0]).toBeCloseTo(delta, 4);
        moved.dispose();
      }
      tf.dispose([x, y, w, g]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(base);
    },
  );
});

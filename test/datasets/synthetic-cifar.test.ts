import { InvalidArgumentError } from '../../src/errors';
import { CIFAR_CLASS_ORDER, syntheticCifar, type Dataset } from '../../src/api/datasets';
import { softmaxAccuracy } from './helpers';

const S = 32;

/** Mean R, G, B of image i. */
function meanColour(ds: Dataset, i: number): number[] {
  const m = [0, 0, 0];
  for (let p = 0; p < S * S; p++)
    for (let c = 0; c < 3; c++) m[c] = (m[c] as number) + (ds.x[(i * S * S + p) * 3 + c] as number) / (S * S);
  return m;
}

/**
 * Translation-invariant features: a histogram of edge orientations (mod 180°, so the contrast polarity
 * does not matter) and the edge density, of the grey image.
 */
function edgeFeatures(ds: Dataset, i: number): number[] {
  const g = new Float64Array(S * S);
  for (let p = 0; p < S * S; p++) {
    const b = (i * S * S + p) * 3;
    g[p] = ((ds.x[b] as number) + (ds.x[b + 1] as number) + (ds.x[b + 2] as number)) / 3;
  }
  const hist = new Array<number>(8).fill(0);
  let total = 0;
  let mean = 0;
  g.forEach((v) => (mean += v / g.length));
  const sd = Math.sqrt(g.reduce((s, v) => s + (v - mean) ** 2, 0) / g.length) + 1e-6;
  for (let r = 1; r < S - 1; r++) {
    for (let c = 1; c < S - 1; c++) {
      const gx = (g[r * S + c + 1] as number) - (g[r * S + c - 1] as number);
      const gy = (g[(r + 1) * S + c] as number) - (g[(r - 1) * S + c] as number);
      const mag = Math.sqrt(gx * gx + gy * gy);
      let angle = Math.atan2(gy, gx);
      if (angle < 0) angle += Math.PI;
      const bin = Math.min(7, Math.floor((angle / Math.PI) * 8));
      hist[bin] = (hist[bin] as number) + mag;
      total += mag;
    }
  }
  return [...hist.map((h) => h / total), total / sd / (S * S)];
}

/** Grey pixels at 16×16 (2×2 average), standardised per image: what a dense net sees, minus colour. */
function greyPixels(ds: Dataset, i: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < S; r += 2) {
    for (let c = 0; c < S; c += 2) {
      let v = 0;
      for (const [dr, dc] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const) {
        const b = (i * S * S + (r + dr) * S + c + dc) * 3;
        v += ((ds.x[b] as number) + (ds.x[b + 1] as number) + (ds.x[b + 2] as number)) / 12;
      }
      out.push(v);
    }
  }
  const mean = out.reduce((s, v) => s + v, 0) / out.length;
  const sd = Math.sqrt(out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length) + 1e-6;
  return out.map((v) => (v - mean) / sd);
}

const rows = (ds: Dataset, f: (ds: Dataset, i: number) => number[]): number[][] =>
  Array.from({ length: ds.xShape[0] as number }, (_, i) => f(ds, i));

describe('syntheticCifar', () => {
  const data = syntheticCifar({ nTrain: 1000, nVal: 500, nTest: 20, seed: 11 });

  it('makes NHWC images in [0, 1] with exactly balanced labels and named classes', () => {
    expect(data.train.xShape).toEqual([1000, 32, 32, 3]);
    expect(data.val.xShape).toEqual([500, 32, 32, 3]);
    expect(data.test?.xShape).toEqual([20, 32, 32, 3]);
    expect(data.train.x.length).toBe(1000 * 3072);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of data.train.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    for (let k = 0; k < 10; k++) expect(data.train.y.filter((v) => v === k).length).toBe(100);
    expect(data.train.numClasses).toBe(10);
    expect(data.train.classNames).toEqual(CIFAR_CLASS_ORDER);
  });

  it('is the same bytes for the same seed, different for another, and keeps splits apart', () => {
    const a = syntheticCifar({ nTrain: 30, nVal: 10, seed: 5 });
    const b = syntheticCifar({ nTrain: 30, nVal: 10, seed: 5 });
    const c = syntheticCifar({ nTrain: 30, nVal: 10, seed: 6 });
    expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(b.train.x.buffer))).toBe(true);
    expect(a.train.y).toEqual(b.train.y);
    expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(c.train.x.buffer))).toBe(false);
    // Each split has its own stream: more training images leave the validation images unchanged.
    const d = syntheticCifar({ nTrain: 50, nVal: 10, seed: 5 });
    expect(Buffer.from(d.val.x.buffer).equals(Buffer.from(a.val.x.buffer))).toBe(true);
    expect(
      Buffer.from(a.val.x.buffer.slice(0, 3072 * 4)).equals(Buffer.from(a.train.x.buffer.slice(0, 3072 * 4))),
    ).toBe(false);
  });

  it('does not let colour leak the label', () => {
    const { train, val } = data;
    // Per-class mean colour: all classes within about three standard errors (0.025 with 100 images a
    // class) of one another and of 0.5.
    const perClass = Array.from({ length: 10 }, () => [0, 0, 0]);
    for (let i = 0; i < 1000; i++) {
      const sums = perClass[train.y[i] as number] as number[];
      meanColour(train, i).forEach((v, c) => (sums[c] = (sums[c] as number) + v / 100));
    }
    for (let c = 0; c < 3; c++) {
      const values = perClass.map((m) => m[c] as number);
      expect(Math.max(...values) - Math.min(...values)).toBeLessThan(0.12);
      values.forEach((v) => expect(Math.abs(v - 0.5)).toBeLessThan(0.08));
    }
    // And a classifier on the mean colour of an image is at chance.
    const acc = softmaxAccuracy(rows(train, meanColour), train.y, rows(val, meanColour), val.y, 10);
    expect(acc.test).toBeLessThan(0.16);
  });

  it('is learnable from translation-invariant structure, but not from pixel positions', () => {
    const { train, val } = data;
    // Nine numbers about edge orientation and density, blind to position and colour: far above chance.
    const edges = softmaxAccuracy(rows(train, edgeFeatures), train.y, rows(val, edgeFeatures), val.y, 10);
    expect(edges.test).toBeGreaterThan(0.4);
    // A linear model on the pixels memorises the training set and fails to generalise, because the
    // pattern moves: this is what a conv net's weight sharing is for.
    const pixels = softmaxAccuracy(rows(train, greyPixels), train.y, rows(val, greyPixels), val.y, 10, {
      epochs: 40,
      lr: 0.2,
    });
    expect(pixels.train).toBeGreaterThan(0.4);
    expect(pixels.test).toBeLessThan(0.25);
    expect(edges.test).toBeGreaterThan(pixels.test + 0.2);
  });

  it('takes the first `classes` patterns, at any image size', () => {
    const small = syntheticCifar({ nTrain: 12, nVal: 0, seed: 1, classes: 3, imageSize: 16 });
    expect(small.train.xShape).toEqual([12, 16, 16, 3]);
    expect(small.train.classNames).toEqual(CIFAR_CLASS_ORDER.slice(0, 3));
    expect(Math.max(...small.train.y)).toBe(2);
    expect(small.val.xShape).toEqual([0, 16, 16, 3]);
    expect(small.test).toBeUndefined();
  });

  it('rejects a class count outside 2..10, naming the field', () => {
    for (const classes of [1, 11, 2.5]) {
      expect(() => syntheticCifar({ nTrain: 1, nVal: 1, seed: 0, classes })).toThrow(InvalidArgumentError);
      expect(() => syntheticCifar({ nTrain: 1, nVal: 1, seed: 0, classes })).toThrow(/^classes: got/);
    }
    expect(() => syntheticCifar({ nTrain: -1, nVal: 1, seed: 0 })).toThrow(/nTrain/);
    expect(() => syntheticCifar({ nTrain: 1, nVal: 1, seed: Number.NaN })).toThrow(/seed/);
  });

  it('generates quickly (2,000 images well under 2 s)', () => {
    const t = Date.now();
    syntheticCifar({ nTrain: 2000, nVal: 0, seed: 2 });
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

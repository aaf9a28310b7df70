import { InvalidArgumentError } from '../src/errors';
import type { Rng } from '../src/random';
import { numSamples, rowSize, type Dataset } from './types';

/** The samples at `indices`, in that order (repeats allowed), as a new dataset. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const n = numSamples(ds);
  const size = rowSize(ds);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(ds.y.length > 0 ? indices.length : 0);
  const yReal = ds.yReal === undefined ? undefined : new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InvalidArgumentError(`indices[${k}]`, i, `an integer in [0, ${n - 1}]`);
    }
    x.set(ds.x.subarray(i * size, (i + 1) * size), k * size);
    if (y.length > 0) y[k] = ds.y[i] as number;
    if (yReal !== undefined) yReal[k] = (ds.yReal as Float32Array)[i] as number;
  }
  return withData(ds, x, [indices.length, ...ds.xShape.slice(1)], y, yReal);
}

/** A copy with the samples in a random order drawn from `rng`. */
export function shuffleDataset(ds: Dataset, rng: Rng): Dataset {
  return subset(ds, permutation(numSamples(ds), rng));
}

/** Samples of several datasets of the same kind (row shape, classes) one after the other. */
export function concatDatasets(parts: readonly Dataset[]): Dataset {
  const first = parts[0];
  if (first === undefined) throw new InvalidArgumentError('parts', parts, 'at least one dataset');
  const tail = first.xShape.slice(1).join(',');
  let n = 0;
  for (const [k, p] of parts.entries()) {
    if (p.xShape.slice(1).join(',') !== tail || p.numClasses !== first.numClasses) {
      throw new InvalidArgumentError(`parts[${k}].xShape`, p.xShape, `[N, ${tail}] with ${first.numClasses} classes`);
    }
    n += numSamples(p);
  }
  const x = new Float32Array(n * rowSize(first));
  const y = new Int32Array(first.y.length > 0 ? n : 0);
  const yReal = first.yReal === undefined ? undefined : new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    const m = numSamples(p);
    x.set(p.x, at * rowSize(first));
    if (y.length > 0) y.set(p.y, at);
    if (yReal !== undefined && p.yReal !== undefined) yReal.set(p.yReal, at);
    at += m;
  }
  return withData(first, x, [n, ...first.xShape.slice(1)], y, yReal);
}

/** `0 .. n-1` in a random order (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}

/**
 * `n` class ids with every class as equally often as possible (counts differ by at most one), in a
 * random order. Generators use this so class balance is exact rather than only expected.
 */
export function balancedLabels(n: number, numClasses: number, rng: Rng): Int32Array {
  const y = new Int32Array(n);
  const order = permutation(n, rng);
  for (let k = 0; k < n; k++) y[order[k] as number] = k % numClasses;
  return y;
}

/** A dataset with `ds`'s metadata (names, vocabulary) and new sample arrays. */
function withData(
  ds: Dataset,
  x: Float32Array,
  xShape: number[],
  y: Int32Array,
  yReal: Float32Array | undefined,
): Dataset {
  const out: Dataset = { x, xShape, y, numClasses: ds.numClasses };
  if (yReal !== undefined) out.yReal = yReal;
  if (ds.classNames !== undefined) out.classNames = ds.classNames.slice();
  if (ds.featureNames !== undefined) out.featureNames = ds.featureNames.slice();
  if (ds.vocabulary !== undefined) out.vocabulary = ds.vocabulary.slice();
  if (ds.columns !== undefined)
    out.columns = ds.columns.map((c) => ({ ...c, ...(c.categories ? { categories: c.categories.slice() } : {}) }));
  return out;
}

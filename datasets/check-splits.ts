import { InvalidArgumentError } from '../src/errors';
import type { DatasetSplits } from './types';

/** The fields every `Dataset` has, with the type each must be. */
const DATASET_FIELDS: readonly [string, (v: unknown) => boolean, string][] = [
  ['x', (v) => v instanceof Float32Array, 'a Float32Array'],
  [
    'xShape',
    (v) => Array.isArray(v) && v.length >= 2 && v.every((d) => Number.isInteger(d) && d >= 0),
    'an array [N, ...] of integers',
  ],
  ['y', (v) => v instanceof Int32Array, 'an Int32Array (empty for regression)'],
  ['numClasses', (v) => Number.isInteger(v) && (v as number) >= 0, 'an integer >= 0'],
];

/**
 * Refuses data that is not `{ train, val, test? }` of Datasets, naming the first field that is not,
 * so that a `Dataset` passed where its splits belong, or an object from elsewhere, is an error that
 * says what to pass rather than a TypeError deep in training. `field` is what the caller calls it.
 */
export function checkSplits(data: unknown, field = 'data'): asserts data is DatasetSplits {
  if (data === null || typeof data !== 'object')
    throw new InvalidArgumentError(field, data, 'DatasetSplits: { train, val, test? } of Datasets');
  const splits = data as Record<string, unknown>;
  if ('x' in splits && !('train' in splits))
    throw new InvalidArgumentError(
      `${field}.train`,
      undefined,
      'DatasetSplits, not one Dataset: cut it with trainValTestSplit(ds, { valFraction, seed })',
    );
  for (const part of ['train', 'val', 'test']) {
    const ds = splits[part];
    if (ds === undefined && part === 'test') continue;
    if (ds === null || typeof ds !== 'object')
      throw new InvalidArgumentError(`${field}.${part}`, ds, 'a Dataset ({ x, xShape, y, numClasses, ... })');
    const d = ds as Record<string, unknown>;
    for (const [key, ok, what] of DATASET_FIELDS) {
      if (!ok(d[key])) throw new InvalidArgumentError(`${field}.${part}.${key}`, describe(d[key]), what);
    }
  }
  const train = splits['train'] as DatasetSplits['train'];
  const val = splits['val'] as DatasetSplits['val'];
  if (
    JSON.stringify(train.xShape.slice(1)) !== JSON.stringify(val.xShape.slice(1)) ||
    train.numClasses !== val.numClasses
  )
    throw new InvalidArgumentError(
      `${field}.val`,
      { xShape: val.xShape, numClasses: val.numClasses },
      `the sample shape [${train.xShape.slice(1).join(', ')}] and ${train.numClasses} classes of ${field}.train`,
    );
}

/** A short stand-in for a value in an error (typed arrays are named, not printed). */
function describe(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
  return v;
}

import { resolvePreprocess, type PreprocessSpec } from '../../../datasets/preprocess/options';
import { InvalidArgumentError } from '../../errors';
import { isObj, type Obj } from './check';

/** The dataset keys beyond sizes: how to read a CSV, how to encode the data, what to hold out for testing. */
export interface DatasetExtras {
  /** `dataset.preprocess`: 'auto' (default: the defaults for the data's kind), 'none' or options. */
  readonly preprocess: PreprocessSpec;
  /** `dataset.testFraction`: a stratified test part cut before train / validation (0: none). */
  readonly testFraction: number;
  /** `dataset.test`: a separate CSV test file, read with the training's columns and classes. */
  readonly testFile: string | null;
  /** CSV only: `header`, `categorical`, `ignore`, `task`, `missing` as `loadCsv` takes them. */
  readonly csv: {
    readonly header?: boolean;
    readonly categorical?: 'auto' | 'none' | readonly (string | number)[];
    readonly ignore?: readonly (string | number)[];
    readonly task?: 'auto' | 'classification' | 'regression';
    readonly missing?: readonly string[];
  };
}

/** Keys every dataset form accepts, and those only a CSV file does. */
export const EXTRA_KEYS = ['preprocess', 'testFraction'] as const;
export const CSV_EXTRA_KEYS = ['header', 'categorical', 'ignore', 'task', 'missing', 'test'] as const;

export const NO_EXTRAS: DatasetExtras = { preprocess: 'auto', testFraction: 0, testFile: null, csv: {} };

const columns = (path: string, v: unknown): (string | number)[] => {
  if (
    !Array.isArray(v) ||
    !v.every((c) => typeof c === 'string' || (typeof c === 'number' && Number.isInteger(c) && c >= 0))
  )
    throw new InvalidArgumentError(path, v, 'a list of column names or 0-based indices');
  return v as (string | number)[];
};

/** Parses the extra keys of a `dataset` mapping (already checked to be known keys). */
export function parseDatasetExtras(raw: Obj, csv: boolean): DatasetExtras {
  const preprocess = raw['preprocess'] ?? 'auto';
  if (!(preprocess === 'auto' || preprocess === 'none' || isObj(preprocess)))
    throw new InvalidArgumentError(
      'dataset.preprocess',
      preprocess,
      "'auto', 'none' or { numeric, impute, fillValue, missingIndicator, unseen, pixels }",
    );
  // Checked whole now (kind 'tabular' accepts every key), so a typo fails before any work.
  resolvePreprocess(preprocess as PreprocessSpec, 'tabular', 'dataset.preprocess');
  const testFraction = raw['testFraction'] ?? 0;
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1))
    throw new InvalidArgumentError('dataset.testFraction', testFraction, 'a number in [0, 1)');
  const out: { -readonly [K in keyof DatasetExtras['csv']]: DatasetExtras['csv'][K] } = {};
  let testFile: string | null = null;
  if (csv) {
    const { header, categorical, ignore, task, missing, test } = raw;
    if (header !== undefined) {
      if (typeof header !== 'boolean') throw new InvalidArgumentError('dataset.header', header, 'true or false');
      out.header = header;
    }
    if (categorical !== undefined)
      out.categorical =
        categorical === 'auto' || categorical === 'none' ? categorical : columns('dataset.categorical', categorical);
    if (ignore !== undefined) out.ignore = columns('dataset.ignore', ignore);
    if (task !== undefined) {
      if (task !== 'auto' && task !== 'classification' && task !== 'regression')
        throw new InvalidArgumentError('dataset.task', task, "one of 'auto', 'classification', 'regression'");
      out.task = task;
    }
    if (missing !== undefined) {
      if (!Array.isArray(missing) || !missing.every((m) => typeof m === 'string'))
        throw new InvalidArgumentError('dataset.missing', missing, 'a list of strings read as missing values');
      out.missing = missing as string[];
    }
    if (test !== undefined) {
      if (typeof test !== 'string' || test.length === 0)
        throw new InvalidArgumentError('dataset.test', test, 'a CSV file path');
      if (testFraction > 0)
        throw new InvalidArgumentError('dataset.test', test, 'left out with dataset.testFraction (one test part)');
      testFile = test;
    }
  }
  return { preprocess: preprocess as PreprocessSpec, testFraction, testFile, csv: out };
}

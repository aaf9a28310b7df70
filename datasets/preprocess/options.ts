import { InvalidArgumentError } from '../../src/errors';
import type { Dataset } from '../types';
import { checkOneOf } from '../validate';

/** What kind of data a dataset holds, which decides the default preprocessing. */
export type DataKind = 'tabular' | 'image' | 'tokens';

/**
 * How to encode data for a model (scikit-learn's ColumnTransformer in small). Every statistic is
 * fitted on the training rows only.
 */
export interface PreprocessOptions {
  /** Numeric columns: 'standardize' (zero mean, unit variance; tabular default), 'minmax' (to [0, 1]) or 'none'. */
  readonly numeric?: 'standardize' | 'minmax' | 'none';
  /** Missing numeric values: the training 'mean' (default), 'median', a 'constant' (`fillValue`), or 'none' (an error). */
  readonly impute?: 'mean' | 'median' | 'constant' | 'none';
  /** The value 'constant' imputation writes (default 0). */
  readonly fillValue?: number;
  /** Add a 0/1 `column:missing` feature for each numeric column with missing values in training (default false). */
  readonly missingIndicator?: boolean;
  /**
   * Categorical columns are one-hot encoded over the categories seen in the training rows. A category
   * never seen there: 'ignore' (default: all its one-hot features 0, as scikit-learn's
   * `handle_unknown='ignore'`) or 'error'.
   */
  readonly unseen?: 'ignore' | 'error';
  /** Image pixels: 'scale' to [0, 1] (image default) or 'none'. */
  readonly pixels?: 'scale' | 'none';
}

/** 'auto': the defaults for the data's kind; 'none': the data as it is; or options over those defaults. */
export type PreprocessSpec = 'auto' | 'none' | PreprocessOptions;

export type ResolvedPreprocessOptions = Required<PreprocessOptions>;

const KEYS = ['numeric', 'impute', 'fillValue', 'missingIndicator', 'unseen', 'pixels'];

/** Token ids for an embedding: `vocabulary`; images: NHWC; anything else is a table. */
export function dataKind(ds: Dataset): DataKind {
  if (ds.vocabulary !== undefined) return 'tokens';
  return ds.xShape.length === 4 ? 'image' : 'tabular';
}

/** The options a spec means for data of `kind`, checked field by field (`path` names them in errors). */
export function resolvePreprocess(
  spec: PreprocessSpec,
  kind: DataKind,
  path = 'preprocess',
): ResolvedPreprocessOptions {
  const none: ResolvedPreprocessOptions = {
    numeric: 'none',
    impute: 'none',
    fillValue: 0,
    missingIndicator: false,
    unseen: 'ignore',
    pixels: 'none',
  };
  const auto: ResolvedPreprocessOptions = {
    ...none,
    numeric: kind === 'tabular' ? 'standardize' : 'none',
    impute: kind === 'tabular' ? 'mean' : 'none',
    pixels: kind === 'image' ? 'scale' : 'none',
  };
  if (spec === 'none') return none;
  if (spec === 'auto') return auto;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw new InvalidArgumentError(
      path,
      spec,
      "'auto', 'none' or { numeric, impute, fillValue, missingIndicator, unseen, pixels }",
    );
  for (const key of Object.keys(spec)) {
    if (!KEYS.includes(key))
      throw new InvalidArgumentError(
        `${path}.${key}`,
        (spec as Record<string, unknown>)[key],
        `a known key: one of ${KEYS.join(', ')}`,
      );
  }
  const out = { ...auto, ...spec };
  checkOneOf(`${path}.numeric`, out.numeric, ['standardize', 'minmax', 'none']);
  checkOneOf(`${path}.impute`, out.impute, ['mean', 'median', 'constant', 'none']);
  checkOneOf(`${path}.unseen`, out.unseen, ['ignore', 'error']);
  checkOneOf(`${path}.pixels`, out.pixels, ['scale', 'none']);
  if (typeof out.fillValue !== 'number' || !Number.isFinite(out.fillValue))
    throw new InvalidArgumentError(`${path}.fillValue`, out.fillValue, 'a finite number');
  if (typeof out.missingIndicator !== 'boolean')
    throw new InvalidArgumentError(`${path}.missingIndicator`, out.missingIndicator, 'true or false');
  return out;
}

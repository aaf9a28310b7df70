/**
 * The in-memory form of every dataset tfjs-tune makes or loads.
 *
 * Plain typed arrays rather than tensors: a dataset can be posted to a worker thread (typed arrays are
 * structured-cloneable), it never leaks GPU/WASM memory, and generators stay free of tfjs. Turn one
 * into tensors with `toTensors` at the point of training, and dispose those there.
 *
 * No helper in `datasets/` mutates a `Dataset` it is given; every one returns fresh arrays.
 */
export interface Dataset {
  /** All samples, row-major: sample i occupies `x[i * rowSize .. (i + 1) * rowSize)`. */
  x: Float32Array;
  /**
   * The full shape including N: `[N, H, W, C]` for images (NHWC), `[N, maxLen]` for token sequences,
   * `[N, features]` for tables.
   */
  xShape: number[];
  /** Class ids in `0 .. numClasses - 1`, one per sample. Empty (length 0) for regression. */
  y: Int32Array;
  /** Regression targets, one per sample; present exactly when `numClasses` is 0. */
  yReal?: Float32Array;
  /** Number of classes; 0 marks a regression dataset. */
  numClasses: number;
  classNames?: string[];
  featureNames?: string[];
  /** For token-id data: `vocabulary[id]` is the word; 0 is padding, 1 is out-of-vocabulary. */
  vocabulary?: string[];
  /**
   * A raw table (what `loadCsv` returns): one entry per column of `x`, in order. Numeric columns hold
   * numbers, NaN where the value is missing; categorical ones hold an index into `categories` (NaN
   * when empty). A model needs it encoded first: `fitPreprocessor` on the training part, then
   * `applyPreprocessor` to every part.
   */
  columns?: ColumnInfo[];
}

/** One column of a raw table. */
export interface ColumnInfo {
  name: string;
  kind: 'numeric' | 'categorical';
  /** The distinct values of a categorical column, sorted: `x` holds an index into this list. */
  categories?: string[];
}

/** A dataset cut into the parts a tuning run needs: fit on `train`, select on `val`, report on `test`. */
export interface DatasetSplits {
  train: Dataset;
  val: Dataset;
  test?: Dataset;
}

/** Number of samples (the first dimension of `xShape`). */
export function numSamples(ds: Dataset): number {
  return ds.xShape[0] ?? 0;
}

/** Number of floats per sample (the product of `xShape` after N). */
export function rowSize(ds: Dataset): number {
  let size = 1;
  for (let i = 1; i < ds.xShape.length; i++) size *= ds.xShape[i] as number;
  return size;
}

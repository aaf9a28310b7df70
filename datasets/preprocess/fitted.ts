import type { DataKind, ResolvedPreprocessOptions } from './options';

/** A numeric column's fitted encoding: impute, then `(value - center) / scale`, then an optional indicator. */
export interface NumericEncoding {
  readonly column: string;
  readonly kind: 'numeric';
  /** The value written for a missing one; null: missing values are an error (`impute: 'none'`). */
  readonly fill: number | null;
  readonly center: number;
  readonly scale: number;
  /** A `column:missing` 0/1 feature follows the value. */
  readonly indicator: boolean;
}

/** A categorical column's fitted encoding: one 0/1 feature per category seen in training. */
export interface CategoricalEncoding {
  readonly column: string;
  readonly kind: 'categorical';
  readonly categories: readonly string[];
  readonly unseen: 'ignore' | 'error';
}

export type ColumnEncoding = NumericEncoding | CategoricalEncoding;

/**
 * Everything a trained model needs to read new data as it read its training data: plain JSON, saved
 * beside the model (`preprocess.json`) and applied again at prediction time.
 */
export interface FittedPreprocessor {
  readonly format: 'tfjs-tune-preprocess';
  readonly version: 1;
  readonly kind: DataKind;
  readonly options: ResolvedPreprocessOptions;
  /** Tables: one entry per input column, by name, in the order the features come out. */
  readonly columns: readonly ColumnEncoding[];
  /** Images: pixels are multiplied by this (1 / 255 for 0..255 data). */
  readonly pixelScale: number;
  /** The encoded features' names (tables) and the per-sample shape the model takes. */
  readonly featureNames: readonly string[];
  readonly inputShape: readonly number[];
  /** The class list and its order, part of the model; null for regression. */
  readonly classNames: readonly string[] | null;
  readonly task: 'classification' | 'regression';
}

export const PREPROCESS_FORMAT = 'tfjs-tune-preprocess';

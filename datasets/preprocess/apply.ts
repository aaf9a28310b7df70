import { InvalidArgumentError } from '../../src/errors';
import { numSamples, rowSize, type Dataset, type DatasetSplits } from '../types';
import type { FittedPreprocessor } from './fitted';
import { PREPROCESS_FORMAT } from './fitted';
import { fitPreprocessor, tableColumnNames } from './fit';
import type { PreprocessSpec } from './options';

/**
 * Encodes `ds` with a fitted preprocessor: the same columns (found by name, in any order), the same
 * statistics, the same one-hot layout as in training. A new dataset; `ds` is not changed.
 */
export function applyPreprocessor(pre: FittedPreprocessor, ds: Dataset): Dataset {
  checkPreprocessor(pre);
  const { columns: _raw, ...rest } = ds;
  if (pre.kind === 'tokens') return { ...rest, x: ds.x.slice(), xShape: ds.xShape.slice() };
  if (pre.kind === 'image') {
    const x = ds.x.slice();
    if (pre.pixelScale !== 1) for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * pre.pixelScale;
    return { ...rest, x, xShape: ds.xShape.slice() };
  }
  const n = numSamples(ds);
  const width = rowSize(ds);
  const names = tableColumnNames(ds);
  const outWidth = pre.featureNames.length;
  const x = new Float32Array(n * outWidth);
  let at = 0;
  for (const enc of pre.columns) {
    const j = names.indexOf(enc.column);
    if (j < 0)
      throw new InvalidArgumentError(
        'columns',
        names,
        `a table with the trained model's column ${JSON.stringify(enc.column)}`,
      );
    if (enc.kind === 'categorical') {
      const info = ds.columns?.[j];
      if (info?.kind !== 'categorical')
        throw new InvalidArgumentError(
          `column ${JSON.stringify(enc.column)}`,
          info?.kind ?? 'numeric',
          'categorical, as in training',
        );
      // This file's category indices -> the trained one-hot slots (-1: never seen in training).
      const slot = (info.categories as string[]).map((c) => enc.categories.indexOf(c));
      for (let i = 0; i < n; i++) {
        const code = ds.x[i * width + j] as number;
        if (Number.isNaN(code)) continue;
        const k = slot[code] ?? -1;
        if (k >= 0) x[i * outWidth + at + k] = 1;
        else if (enc.unseen === 'error')
          throw new InvalidArgumentError(
            `column ${JSON.stringify(enc.column)}`,
            (info.categories as string[])[code],
            `one of the training categories: ${enc.categories.join(', ')}`,
          );
      }
      at += enc.categories.length;
      continue;
    }
    if (ds.columns?.[j]?.kind === 'categorical')
      throw new InvalidArgumentError(`column ${JSON.stringify(enc.column)}`, 'categorical', 'numeric, as in training');
    for (let i = 0; i < n; i++) {
      let v = ds.x[i * width + j] as number;
      const missing = Number.isNaN(v);
      if (missing) {
        if (enc.fill === null)
          throw new InvalidArgumentError(
            `column ${JSON.stringify(enc.column)}`,
            `a missing value in row ${i + 1}`,
            "values everywhere, or preprocess.impute 'mean' | 'median' | 'constant'",
          );
        v = enc.fill;
      }
      x[i * outWidth + at] = (v - enc.center) / enc.scale;
      if (enc.indicator) x[i * outWidth + at + 1] = missing ? 1 : 0;
    }
    at += enc.indicator ? 2 : 1;
  }
  return { ...rest, x, xShape: [n, outWidth], featureNames: pre.featureNames.slice() };
}

/** Refuses what is not a fitted preprocessor of a version this code reads (e.g. a hand-edited side file). */
export function checkPreprocessor(pre: unknown): asserts pre is FittedPreprocessor {
  const p = pre as Partial<FittedPreprocessor> | null;
  if (p === null || typeof p !== 'object' || p.format !== PREPROCESS_FORMAT || p.version !== 1)
    throw new InvalidArgumentError(
      'preprocessor',
      p === null || typeof p !== 'object' ? p : (p.format ?? null),
      `a ${PREPROCESS_FORMAT} version 1 object (preprocess.json)`,
    );
}

/**
 * Fits `spec` on `splits.train` only and encodes every part with it: what `tfjs-tune run` does before
 * the first trial. Returns the encoded parts and the fitted preprocessor to store with the model.
 */
export function preprocessSplits(
  splits: DatasetSplits,
  spec: PreprocessSpec = 'auto',
): { data: DatasetSplits; preprocessor: FittedPreprocessor } {
  const preprocessor = fitPreprocessor(splits.train, spec);
  const data: DatasetSplits = {
    train: applyPreprocessor(preprocessor, splits.train),
    val: applyPreprocessor(preprocessor, splits.val),
    ...(splits.test !== undefined ? { test: applyPreprocessor(preprocessor, splits.test) } : {}),
  };
  return { data, preprocessor };
}

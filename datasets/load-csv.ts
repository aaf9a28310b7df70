import { promises as fs } from 'node:fs';

import { InvalidArgumentError } from '../src/errors';
import { parseCsv } from './csv-parse';
import { checkDelimiter } from './delimiter-hint';
import { DatasetFormatError } from './errors';
import type { Dataset } from './types';
import { checkOneOf } from './validate';

export interface LoadCsvOptions {
  /** The target column: its header name, or its 0-based index. */
  label: string | number;
  /** The first record names the columns (default true); without one, columns are `column_1`, `column_2`, … */
  header?: boolean;
  delimiter?: string;
  /**
   * String-valued feature columns:
   * - 'auto' (default): a column whose first non-empty value is not a number is categorical and is
   *   one-hot encoded (one 0/1 feature per distinct value, sorted, named `column=value`); any other
   *   column is numeric, and a non-number in it later is an error (a typo, not a category);
   * - 'none': every feature column must be numeric;
   * - a list of column names (or 0-based indices): exactly those are one-hot encoded, even if the
   *   values look numeric (zip codes, integer-coded categories).
   */
  categorical?: 'auto' | 'none' | readonly (string | number)[];
  /**
   * 'auto' (default): classification when some label is not a number, or all are integers with at most
   * 50 distinct values; regression otherwise.
   */
  task?: 'auto' | 'classification' | 'regression';
  /** Columns to drop (names or 0-based indices), e.g. ids. */
  ignore?: readonly (string | number)[];
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Reads a delimited text table into a `Dataset` (`[N, features]`). Classification labels become class
 * ids in sorted order of their values (`classNames`); regression labels go to `yReal`. Missing values
 * are not imputed: an empty numeric field is an error. Every error names the file, the line and the
 * column.
 */
export async function loadCsv(file: string, options: LoadCsvOptions): Promise<Dataset> {
  const { header = true, delimiter = ',', categorical = 'auto', task = 'auto', ignore = [] } = options;
  checkOneOf('task', task, ['auto', 'classification', 'regression']);
  if (typeof categorical === 'string') checkOneOf('categorical', categorical, ['auto', 'none']);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new DatasetFormatError(file, `cannot read the CSV file: ${(e as Error).message}`);
  }
  const { rows: records, lines: recordLines } = parseCsv(text, file, delimiter);
  checkDelimiter(records[0], delimiter, file);
  const names = header ? (records[0] ?? []).map((h) => h.trim()) : (records[0] ?? []).map((_, i) => `column_${i + 1}`);
  const rows = header ? records.slice(1) : records;
  const lines = header ? recordLines.slice(1) : recordLines;
  if (names.length === 0) throw new DatasetFormatError(file, 'the file is empty');
  if (rows.length === 0) throw new DatasetFormatError(file, 'has a header but no data rows');
  rows.forEach((r, k) => {
    if (r.length !== names.length) {
      throw new DatasetFormatError(
        file,
        `has ${r.length} fields; expected ${names.length}, as in ${header ? 'the header' : 'the first line'}`,
        lines[k],
      );
    }
  });
  const where = (col: number): string => `${JSON.stringify(names[col])} (field ${col + 1})`;
  const columnOf = (field: string, key: string | number): number => {
    const col = typeof key === 'number' ? key : names.indexOf(key);
    if (!Number.isInteger(col) || col < 0 || col >= names.length) {
      throw new DatasetFormatError(
        file,
        `${field}: no column ${JSON.stringify(key)}; the columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    return col;
  };
  const labelCol = columnOf('label', options.label);
  const dropped = new Set(ignore.map((c) => columnOf('ignore', c)));
  const forced =
    typeof categorical === 'string' ? new Set<number>() : new Set(categorical.map((c) => columnOf('categorical', c)));
  const featureCols = names.map((_, c) => c).filter((c) => c !== labelCol && !dropped.has(c));

  // Decide each feature column's kind, then lay out the output features.
  const encoders: { col: number; categories?: string[] }[] = featureCols.map((col) => {
    const first = rows.find((r) => (r[col] as string).trim() !== '')?.[col] ?? '';
    const isCategorical = forced.has(col) || (categorical === 'auto' && !NUMBER.test(first));
    return isCategorical
      ? { col, categories: [...new Set(rows.map((r) => (r[col] as string).trim()))].sort() }
      : { col };
  });
  const featureNames = encoders.flatMap((e) =>
    e.categories === undefined ? [names[e.col] as string] : e.categories.map((v) => `${names[e.col]}=${v}`),
  );
  const width = featureNames.length;
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, k) => {
    let at = k * width;
    for (const e of encoders) {
      const raw = (r[e.col] as string).trim();
      if (e.categories !== undefined) {
        x[at + e.categories.indexOf(raw)] = 1;
        at += e.categories.length;
      } else {
        if (!NUMBER.test(raw)) {
          const why = raw === '' ? 'an empty value' : JSON.stringify(raw);
          const hint = categorical === 'none' ? " (categorical: 'none' allows numbers only)" : '';
          throw new DatasetFormatError(
            file,
            `expected a number in this numeric column, got ${why}${hint}`,
            lines[k],
            where(e.col),
          );
        }
        x[at++] = Number(raw);
      }
    }
  });
  return {
    ...labelsOf(rows, lines, labelCol, task, file, where(labelCol)),
    x,
    xShape: [rows.length, width],
    featureNames,
  };
}

function labelsOf(
  rows: readonly string[][],
  lines: readonly number[],
  col: number,
  task: 'auto' | 'classification' | 'regression',
  file: string,
  where: string,
): Pick<Dataset, 'y' | 'yReal' | 'numClasses' | 'classNames'> {
  const values = rows.map((r, k) => {
    const v = (r[col] as string).trim();
    if (v === '') throw new DatasetFormatError(file, 'the label is empty', lines[k], where);
    return v;
  });
  const numeric = values.every((v) => NUMBER.test(v));
  const distinct = [...new Set(values)];
  const regression =
    task === 'regression' ||
    (task === 'auto' && numeric && !(distinct.every((v) => Number.isInteger(Number(v))) && distinct.length <= 50));
  if (regression) {
    const k = values.findIndex((v) => !NUMBER.test(v));
    if (k >= 0)
      throw new DatasetFormatError(
        file,
        `expected a numeric label for regression, got ${JSON.stringify(values[k])}`,
        lines[k],
        where,
      );
    return { y: new Int32Array(0), yReal: Float32Array.from(values, Number), numClasses: 0 };
  }
  // Numbers sort as numbers ("2" before "10"), strings as strings; the same id for "1" and "1.0".
  const key = (v: string): string => (numeric ? String(Number(v)) : v);
  const classNames = [...new Set(values.map(key))].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (classNames.length < 2)
    throw new InvalidArgumentError('label', classNames, `a column with at least 2 classes in ${file}`);
  const ids = new Map(classNames.map((c, i) => [c, i]));
  return { y: Int32Array.from(values, (v) => ids.get(key(v)) as number), numClasses: classNames.length, classNames };
}

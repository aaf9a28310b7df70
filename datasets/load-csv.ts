import { promises as fs } from 'node:fs';

import { InvalidArgumentError } from '../src/errors';
import { stderrLogger, type Logger } from '../src/util/logger';
import { DEFAULT_MISSING_TOKENS, NUMBER, decideColumn, encodeValue } from './csv-columns';
import { parseCsv } from './csv-parse';
import { checkDelimiter } from './delimiter-hint';
import { DatasetFormatError } from './errors';
import type { Dataset } from './types';
import { checkOneOf } from './validate';

export interface LoadCsvOptions {
  /**
   * The target column: its header name, or its 0-based index. null: the file has no labels (features to
   * predict for): `numClasses` 0 and every `yReal` NaN.
   */
  label: string | number | null;
  /** The first record names the columns (default true); without one, columns are `column_1`, `column_2`, … */
  header?: boolean;
  delimiter?: string;
  /**
   * String-valued feature columns:
   * - 'auto' (default): a column whose first value that is not missing (empty or a `missing` token)
   *   is not a number is categorical; any other column is numeric, its `missing` tokens read as
   *   missing values (said once, in one note), and any other non-number in it is an error (a typo,
   *   not a category);
   * - 'none': every feature column must be numeric;
   * - a list of column names (or 0-based indices): exactly those are categorical, even if the
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
  /** Tokens read as missing in numeric columns (default `DEFAULT_MISSING_TOKENS`: NA, N/A, NaN, ?, -, null, None, …). */
  missing?: readonly string[];
  /**
   * The class list of a trained model, in its order: labels are encoded with it (a test file that lacks
   * a class keeps the others' ids), and a label not in it is an error naming the label.
   */
  classNames?: readonly string[];
  /** Where the note about missing-value tokens goes (default: stderr). */
  logger?: Logger;
}

/**
 * Reads a delimited text table into a raw table `Dataset` (`[N, columns]`, described by `columns`):
 * numeric columns as numbers with NaN where a value is missing, categorical ones as indices into their
 * sorted `categories`. Encoding (imputation, scaling, one-hot) is fitted later on the training rows only
 * (`fitPreprocessor`). Classification labels become class ids in sorted order of their values
 * (`classNames`), or in the order of `options.classNames`; regression labels go to `yReal`. Every error
 * names the file, the line and the column.
 */
export async function loadCsv(file: string, options: LoadCsvOptions): Promise<Dataset> {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(
      'loadCsv(file, options)',
      options ?? null,
      '{ label: COLUMN, ... } naming the label column',
    );
  if (typeof options.label !== 'string' && typeof options.label !== 'number' && options.label !== null)
    throw new InvalidArgumentError(
      'label',
      options.label ?? null,
      'the label column: a header name or a 0-based index',
    );
  const { header = true, delimiter = ',', categorical = 'auto', task = 'auto', ignore = [] } = options;
  checkOneOf('task', task, ['auto', 'classification', 'regression']);
  if (typeof categorical === 'string') checkOneOf('categorical', categorical, ['auto', 'none']);
  const missing = new Set(options.missing ?? DEFAULT_MISSING_TOKENS);
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
  const labelCol = options.label === null ? -1 : columnOf('label', options.label);
  const dropped = new Set(ignore.map((c) => columnOf('ignore', c)));
  const forced =
    typeof categorical === 'string' ? new Set<number>() : new Set(categorical.map((c) => columnOf('categorical', c)));
  const featureCols = names.map((_, c) => c).filter((c) => c !== labelCol && !dropped.has(c));

  const decided = featureCols.map((col) => {
    const mode = forced.has(col) ? 'categorical' : categorical === 'auto' ? 'auto' : 'numeric';
    const values = rows.map((r) => (r[col] as string).trim());
    return { col, ...decideColumn(names[col] as string, values, { mode, missing }) };
  });
  const ambiguous = decided.filter((d) => d.missingTokens.length > 0);
  if (ambiguous.length > 0) {
    const list = ambiguous.map(
      (d) => `${JSON.stringify(d.info.name)} (${d.missingTokens.map((t) => JSON.stringify(t)).join(', ')})`,
    );
    (options.logger ?? stderrLogger).info(
      `${file}: numeric column(s) with missing-value tokens, read as missing values: ${list.join('; ')}`,
    );
  }
  const width = decided.length;
  const x = new Float32Array(rows.length * width);
  rows.forEach((r, k) => {
    decided.forEach((d, j) => {
      const raw = (r[d.col] as string).trim();
      const v = encodeValue(raw, d.info, missing);
      if (v === 'not-a-number') {
        const hint = categorical === 'none' ? " (categorical: 'none' allows numbers only)" : '';
        throw new DatasetFormatError(
          file,
          `expected a number in this numeric column, got ${JSON.stringify(raw)}${hint}`,
          lines[k],
          where(d.col),
        );
      }
      x[k * width + j] = v;
    });
  });
  return {
    ...(labelCol < 0
      ? { y: new Int32Array(0), yReal: new Float32Array(rows.length).fill(NaN), numClasses: 0 }
      : labelsOf(rows, lines, labelCol, task, file, where(labelCol), options.classNames)),
    x,
    xShape: [rows.length, width],
    featureNames: decided.map((d) => d.info.name),
    columns: decided.map((d) => d.info),
  };
}

function labelsOf(
  rows: readonly string[][],
  lines: readonly number[],
  col: number,
  task: 'auto' | 'classification' | 'regression',
  file: string,
  where: string,
  given: readonly string[] | undefined,
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
  if (given !== undefined) return labelsFromClassList(values, lines, given, file, where);
  const classNames = [...new Set(values.map(key))].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (classNames.length < 2)
    throw new InvalidArgumentError('label', classNames, `a column with at least 2 classes in ${file}`);
  const ids = new Map(classNames.map((c, i) => [c, i]));
  return { y: Int32Array.from(values, (v) => ids.get(key(v)) as number), numClasses: classNames.length, classNames };
}

/** Labels encoded with a trained model's class list; a label outside it is an error naming it. */
function labelsFromClassList(
  values: readonly string[],
  lines: readonly number[],
  classNames: readonly string[],
  file: string,
  where: string,
): Pick<Dataset, 'y' | 'numClasses' | 'classNames'> {
  if (classNames.length < 2)
    throw new InvalidArgumentError('classNames', classNames, 'the trained class list (at least 2 classes)');
  const ids = new Map(classNames.map((c, i) => [c, i]));
  const y = Int32Array.from(values, (v, k) => {
    // "1.0" is the class "1" when the class list was read from numbers.
    const id = ids.get(v) ?? (NUMBER.test(v) ? ids.get(String(Number(v))) : undefined);
    if (id === undefined) {
      const list = classNames.map((c) => JSON.stringify(c)).join(', ');
      throw new DatasetFormatError(
        file,
        `label ${JSON.stringify(v)} was never seen in training; the model's classes are ${list}`,
        lines[k],
        where,
      );
    }
    return id;
  });
  return { y, numClasses: classNames.length, classNames: classNames.slice() };
}

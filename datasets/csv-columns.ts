import type { ColumnInfo } from './types';

/** A number as CSV files write it: sign, digits, optional fraction and exponent. */
export const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * The tokens that mean "no value" in a numeric column (R's NA, pandas' defaults, UCI's `?`). An
 * empty field is missing in every column; these only where the column is otherwise numbers.
 */
export const DEFAULT_MISSING_TOKENS: readonly string[] = [
  'NA',
  'N/A',
  'n/a',
  'na',
  'NaN',
  'nan',
  '?',
  '-',
  'null',
  'NULL',
  'None',
];

export interface ColumnKindRule {
  /** 'auto': decide from the values; 'numeric' / 'categorical': as told. */
  readonly mode: 'auto' | 'numeric' | 'categorical';
  readonly missing: ReadonlySet<string>;
}

/** What deciding a column found: its description and, for an ambiguous numeric one, the tokens read as missing. */
export interface ColumnDecision {
  readonly info: ColumnInfo;
  readonly missingTokens: readonly string[];
}

/**
 * Decides one feature column's kind from its (trimmed) values. In 'auto' mode a column is numeric
 * when its first value that is neither empty nor a missing token is a number: a token such as `NA`
 * in the first row no longer turns a numeric column into one-hot columns. A non-number other than
 * those tokens later in a numeric column stays an error (a typo, not a category), raised by the
 * caller with its line.
 */
export function decideColumn(name: string, values: readonly string[], rule: ColumnKindRule): ColumnDecision {
  const first = values.find((v) => v !== '' && !rule.missing.has(v));
  const categorical =
    rule.mode === 'categorical' || (rule.mode === 'auto' && first !== undefined && !NUMBER.test(first));
  if (categorical) {
    const categories = [...new Set(values.filter((v) => v !== ''))].sort();
    return { info: { name, kind: 'categorical', categories }, missingTokens: [] };
  }
  const tokens = [...new Set(values.filter((v) => v !== '' && rule.missing.has(v)))].sort();
  return { info: { name, kind: 'numeric' }, missingTokens: tokens };
}

/** The value a raw table stores for `raw` in a column: a number, a category index, or NaN for missing. */
export function encodeValue(raw: string, info: ColumnInfo, missing: ReadonlySet<string>): number | 'not-a-number' {
  if (raw === '') return NaN;
  if (info.kind === 'categorical') return (info.categories as string[]).indexOf(raw);
  if (NUMBER.test(raw)) return Number(raw);
  return missing.has(raw) ? NaN : 'not-a-number';
}

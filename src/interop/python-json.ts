import { InvalidArgumentError } from '../errors';

/** A number Python must read as a float (`1.0`, not `1`), e.g. an objective value or a float param. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** What {@link toPythonJSON} writes: JSON values, with PyFloat for numbers that must stay floats. */
export type PyJson = null | boolean | number | string | PyFloat | PyJson[] | { readonly [key: string]: PyJson };

function number(v: number, float: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  const s = JSON.stringify(v);
  return float && /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/**
 * JSON as Python's `json.dumps` writes it: NaN, Infinity and -Infinity as bare tokens (which
 * `JSON.stringify` turns into null), so Optuna reads a diverged value back as what it was.
 */
export function toPythonJSON(value: PyJson): string {
  if (value instanceof PyFloat) return number(value.value, true);
  if (typeof value === 'number') return number(value, false);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toPythonJSON).join(', ')}]`;
  const entries = Object.entries(value as Record<string, PyJson>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${toPythonJSON(v)}`).join(', ')}}`;
}

const TOKENS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
// A private-use character no JSON text of ours starts a string with: marks a bare token seen outside strings.
const MARK = '\uE000';

/**
 * Parses one line of Python-flavoured JSON (`NaN`, `Infinity`, `-Infinity` allowed outside strings).
 * Bad input is an InvalidArgumentError naming the line.
 */
export function parsePythonJSON(text: string, where: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      // Copy the string literal whole, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token !== undefined) {
      out += `"${MARK}${token}"`;
      i += token.length;
      continue;
    }
    out += c;
    i++;
  }
  try {
    return JSON.parse(out, (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith(MARK) ? (TOKENS[v.slice(1)] ?? v) : v,
    ) as unknown;
  } catch (e) {
    throw new InvalidArgumentError(
      where,
      text.length > 80 ? `${text.slice(0, 80)}…` : text,
      `a JSON line (${(e as Error).message})`,
    );
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One benchmark's outcome: a table of rows and the side-by-side ratios that are its verdict. */
export interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly rows: readonly Record<string, string | number>[];
  readonly ratios: Readonly<Record<string, number>>;
}

function cell(v: string | number | undefined): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return v ?? '';
}

export function toMarkdown(result: BenchResult): string {
  const cols = [...new Set(result.rows.flatMap((r) => Object.keys(r)))];
  const lines = [
    `## ${result.name}`,
    '',
    result.description,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...result.rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`),
    '',
    ...Object.entries(result.ratios).map(([k, v]) => `- ${k}: ${v.toPrecision(3)}`),
    '',
  ];
  return lines.join('\n');
}

/** Writes `<name>.json` and `<name>.md` under benchmarks/results (relative to the working directory). */
export function saveResult(result: BenchResult, dir = join('benchmarks', 'results')): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${result.name}.json`),
    `${JSON.stringify({ ...result, date: new Date().toISOString() }, null, 2)}\n`,
  );
  writeFileSync(join(dir, `${result.name}.md`), toMarkdown(result));
}

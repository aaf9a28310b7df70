import { runInfoOf } from '../../trial/epoch-log';
import type { JsonValue } from '../../trial/json';
import { formatNumber } from '../../util/format';
import { feasibility, type StudySnapshot } from '../snapshot';
import { choiceLabel } from './param-axes';

/** One cell: what is shown, and the key it sorts by (numbers numerically, text as text). */
export interface TableCell {
  readonly text: string;
  readonly sort: number | string | null;
}

export interface TrialsTable {
  readonly columns: readonly string[];
  /** One row per trial, in number order. */
  readonly rows: readonly (readonly TableCell[])[];
}

function numberCell(v: number | null | undefined): TableCell {
  if (v === null || v === undefined) return { text: '', sort: null };
  return { text: formatNumber(v), sort: Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE };
}

function jsonText(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function runCells(t: Parameters<typeof runInfoOf>[0]): TableCell[] {
  const info = runInfoOf(t);
  const text = (v: string | null | undefined): TableCell => ({ text: v ?? '', sort: v ?? null });
  const peak = info?.peakTensorBytes;
  return [
    text(info?.backend),
    text(info?.worker),
    numberCell(peak === null || peak === undefined ? null : peak / 2 ** 20),
  ];
}

/**
 * The trial table: number, state, values, parameters, duration, run info (backend, worker, peak
 * tensor memory; when tracked), user attributes, constraint
 * feasibility (when the study has constraints) and fail reason. Texts are raw: the page escapes.
 */
export function trialsTable(study: StudySnapshot): TrialsTable {
  const trials = [...study.trials].sort((a, b) => a.number - b.number);
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const attrs = [...new Set(trials.flatMap((t) => Object.keys(t.userAttrs)))].sort();
  const constrained = trials.some((t) => feasibility(t) !== null);
  const tracked = trials.some((t) => runInfoOf(t) !== null);
  const nValues = study.directions.length;
  const valueCols = nValues === 1 ? ['value'] : study.directions.map((_, i) => `values[${i}]`);
  const columns = [
    'number',
    'state',
    ...valueCols,
    ...params.map((p) => `params.${p}`),
    'duration (s)',
    ...(tracked ? ['backend', 'worker', 'peak tensor MB'] : []),
    ...attrs.map((a) => `user_attrs.${a}`),
    ...(constrained ? ['feasible'] : []),
    'fail reason',
  ];
  const rows = trials.map((t): TableCell[] => {
    const feasible = feasibility(t);
    return [
      { text: String(t.number), sort: t.number },
      { text: t.state, sort: t.state },
      ...valueCols.map((_, i) => numberCell(t.values?.[i])),
      ...params.map((p): TableCell => {
        if (!(p in t.params)) return { text: '', sort: null };
        const v = t.params[p] ?? null;
        return typeof v === 'number' ? numberCell(v) : { text: choiceLabel(v), sort: choiceLabel(v) };
      }),
      numberCell(t.durationMs === null ? null : t.durationMs / 1000),
      ...(tracked ? runCells(t) : []),
      ...attrs.map((a): TableCell => {
        const v = t.userAttrs[a];
        return typeof v === 'number'
          ? numberCell(v)
          : { text: jsonText(v), sort: v === undefined ? null : jsonText(v) };
      }),
      ...(constrained
        ? [{ text: feasible === null ? '' : String(feasible), sort: feasible === null ? null : String(feasible) }]
        : []),
      { text: t.failReason ?? '', sort: t.failReason },
    ];
  });
  return { columns, rows };
}

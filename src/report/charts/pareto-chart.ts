import type { ParetoData } from '../data/pareto';
import { base, r4, SMALL, type ChartSpec } from './common';

/** Objective pairs as scatters, the front in red (3 objectives: every pair). */
export function paretoChart(d: ParetoData): ChartSpec {
  const n = d.directions.length;
  const pairs: [number, number][] =
    n === 2
      ? [[0, 1]]
      : [
          [0, 1],
          [0, 2],
          [1, 2],
        ];
  const values = d.points.map((p) => ({
    trial: p.number,
    kind: !p.feasible ? 'infeasible' : p.onFront ? 'Pareto front' : 'dominated',
    ...Object.fromEntries(p.values.map((v, i) => [`v${i}`, r4(v)])),
  }));
  const label = (i: number): string => `values[${i}] (${d.directions[i]})`;
  return {
    ...base(),
    data: { values },
    columns: 3,
    concat: pairs.map(([i, j]) => ({
      width: n === 2 ? SMALL * 1.6 : SMALL,
      height: n === 2 ? SMALL * 1.2 : SMALL,
      mark: { type: 'point', filled: true, size: 30 },
      encoding: {
        x: { field: `v${i}`, type: 'quantitative', title: label(i), scale: { zero: false } },
        y: { field: `v${j}`, type: 'quantitative', title: label(j), scale: { zero: false } },
        color: {
          field: 'kind',
          type: 'nominal',
          title: null,
          scale: { domain: ['Pareto front', 'dominated', 'infeasible'], range: ['#d62728', '#1f77b4', '#cccccc'] },
        },
        order: { field: 'kind', sort: 'descending' },
        tooltip: [{ field: 'trial' }, ...Array.from({ length: n }, (_, k) => ({ field: `v${k}`, title: label(k) }))],
      },
    })),
  };
}

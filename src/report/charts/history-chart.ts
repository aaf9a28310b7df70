import type { HistoryData } from '../data/history';
import { base, HEIGHT, r4, WIDTH, type ChartSpec } from './common';

/** Objective values as points, the best-so-far as a step line (Optuna's optimisation history). */
export function historyChart(d: HistoryData): ChartSpec {
  const values = d.points.map((p) => ({
    number: p.number,
    value: r4(p.value),
    best: p.bestSoFar === null ? null : r4(p.bestSoFar),
    kind: p.feasible ? 'objective value' : 'infeasible',
  }));
  return {
    ...base(),
    title: `${d.label} (${d.direction})`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 28, opacity: 0.7 },
        encoding: {
          x: { field: 'number', type: 'quantitative', title: 'trial' },
          y: { field: 'value', type: 'quantitative', title: d.label, scale: { zero: false } },
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['objective value', 'infeasible', 'best so far'],
              range: ['#1f77b4', '#bbbbbb', '#d62728'],
            },
          },
          tooltip: [
            { field: 'number', title: 'trial' },
            { field: 'value', title: d.label },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.best !== null' }, { calculate: "'best so far'", as: 'line' }],
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x: { field: 'number', type: 'quantitative' },
          y: { field: 'best', type: 'quantitative' },
          color: { field: 'line', type: 'nominal' },
        },
      },
    ],
  };
}

import type { EDFData } from '../data/edf';
import { base, HEIGHT, r4, WIDTH, type ChartSpec } from './common';

/** The empirical distribution of each objective's values, one step line per objective. */
export function edfChart(ds: readonly EDFData[]): ChartSpec {
  return {
    ...base(),
    columns: 2,
    concat: ds.map((d) => ({
      width: ds.length === 1 ? WIDTH : WIDTH / 2,
      height: HEIGHT * 0.8,
      title: d.label,
      data: { values: d.points.map((p) => ({ value: r4(p.value), fraction: r4(p.fraction) })) },
      mark: { type: 'line', interpolate: 'step-after', point: { filled: true, size: 14 } },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: d.label, scale: { zero: false } },
        y: { field: 'fraction', type: 'quantitative', title: 'cumulative fraction', scale: { domain: [0, 1] } },
        tooltip: [{ field: 'value' }, { field: 'fraction' }],
      },
    })),
  };
}

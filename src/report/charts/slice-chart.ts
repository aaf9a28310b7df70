import type { SliceData } from '../data/slice';
import { base, r4, SMALL, type ChartSpec } from './common';

/** One scatter per parameter (log axes for log parameters), coloured by trial number. */
export function sliceChart(d: SliceData): ChartSpec {
  return {
    ...base(),
    columns: 3,
    concat: d.params.map(({ axis, points }) => ({
      width: SMALL,
      height: SMALL * 0.75,
      title: axis.name,
      data: {
        values: points.map((p) => ({
          trial: p.number,
          x: typeof p.x === 'number' ? r4(p.x) : p.x,
          value: r4(p.value),
        })),
      },
      mark: { type: 'point', filled: true, size: 26, opacity: 0.75 },
      encoding: {
        x:
          axis.kind === 'numeric'
            ? {
                field: 'x',
                type: 'quantitative',
                title: axis.name,
                scale: axis.log ? { type: 'log' } : { zero: false },
              }
            : { field: 'x', type: 'nominal', title: axis.name, sort: [...axis.choices] },
        y: { field: 'value', type: 'quantitative', title: d.label, scale: { zero: false } },
        color: { field: 'trial', type: 'quantitative', title: 'trial', scale: { scheme: 'blues' } },
        tooltip: [{ field: 'trial' }, { field: 'x', title: axis.name }, { field: 'value', title: d.label }],
      },
    })),
  };
}

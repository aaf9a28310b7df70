import type { EpochMetricsData } from '../data/epoch-metrics';
import { base, r4, SMALL, STATE_SCALE, type ChartSpec } from './common';

/** One small chart per metric: a curve per trial over epochs, coloured by state. */
export function epochMetricsChart(d: EpochMetricsData): ChartSpec {
  return {
    ...base(),
    columns: 3,
    concat: d.metrics.map((metric) => {
      const segments = (d.series[metric] ?? []).flatMap((s) =>
        s.points.slice(1).map((p, i) => {
          const prev = s.points[i] as { epoch: number; value: number };
          return {
            trial: s.number,
            state: s.state,
            epoch: prev.epoch,
            value: r4(prev.value),
            epoch2: p.epoch,
            value2: r4(p.value),
          };
        }),
      );
      const dots = (d.series[metric] ?? []).flatMap((s) =>
        s.points.map((p) => ({ trial: s.number, state: s.state, epoch: p.epoch, value: r4(p.value) })),
      );
      const x = { field: 'epoch', type: 'quantitative', title: 'epoch' };
      const y = {
        field: 'value',
        type: 'quantitative',
        title: metric === 'seconds' ? 'epoch time (s)' : metric,
        scale: { zero: false },
      };
      const color = { field: 'state', type: 'nominal', scale: STATE_SCALE, title: 'state' };
      return {
        width: SMALL,
        height: SMALL * 0.7,
        title: metric === 'seconds' ? 'epoch wall time (s)' : metric,
        layer: [
          {
            data: { values: segments },
            mark: { type: 'rule', opacity: 0.6, aria: false },
            encoding: { x, y, x2: { field: 'epoch2' }, y2: { field: 'value2' }, color },
          },
          {
            data: { values: dots },
            mark: { type: 'point', filled: true, size: 10, opacity: 0.7 },
            encoding: {
              x,
              y,
              color,
              tooltip: [{ field: 'trial' }, { field: 'epoch' }, { field: 'value', title: metric }],
            },
          },
        ],
      };
    }),
  };
}

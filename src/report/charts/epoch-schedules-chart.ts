import type { EpochSchedulesData } from '../data/epoch-schedules';
import { base, r4, SMALL, STATE_SCALE, WIDTH, type ChartSpec, valueScale } from './common';

/**
 * Each scheduled hyperparameter over epochs, a step line per trial (the value holds for the whole
 * epoch), log scale when a positive range spans more than 10x (learning rates usually do).
 */
export function epochSchedulesChart(d: EpochSchedulesData): ChartSpec {
  return {
    ...base(),
    columns: 2,
    concat: d.params.map((param) => {
      const rows = (d.series[param] ?? []).flatMap((s) =>
        s.points.map((p) => ({ trial: s.number, state: s.state, epoch: p.epoch, value: r4(p.value) })),
      );
      return {
        width: d.params.length === 1 ? WIDTH : SMALL,
        height: SMALL,
        title: param === 'lr' ? 'learning rate' : param,
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', opacity: 0.7, point: { filled: true, size: 12 } },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'value', type: 'quantitative', title: param, scale: valueScale(rows.map((r) => r.value)) },
          color: { field: 'state', type: 'nominal', scale: STATE_SCALE, title: 'state' },
          detail: { field: 'trial', type: 'nominal' },
          tooltip: [{ field: 'trial' }, { field: 'epoch' }, { field: 'value', title: param }],
        },
      };
    }),
  };
}

import type { ImportanceData } from '../data/importance';
import { base, HEIGHT, r4, WIDTH, type ChartSpec } from './common';

/** Horizontal bars of each parameter's importance, most important on top, one chart per objective. */
export function importanceChart(ds: readonly ImportanceData[]): ChartSpec {
  return {
    ...base(),
    vconcat: ds.map((d) => ({
      width: WIDTH,
      height: Math.min(HEIGHT, 24 * d.bars.length + 20),
      title: `importance for ${d.label} (PED-ANOVA)`,
      data: { values: d.bars.map((b, rank) => ({ param: b.param, importance: r4(b.importance), rank })) },
      mark: { type: 'bar', color: '#1f77b4' },
      encoding: {
        y: { field: 'param', type: 'nominal', title: 'parameter', sort: { field: 'rank', order: 'ascending' } },
        x: { field: 'importance', type: 'quantitative', title: 'share of importance', scale: { domain: [0, 1] } },
        tooltip: [{ field: 'param' }, { field: 'importance' }],
      },
    })),
  };
}

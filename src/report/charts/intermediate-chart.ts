import type { IntermediateData } from '../data/intermediate';
import { base, HEIGHT, r4, STATE_SCALE, WIDTH, type ChartSpec } from './common';

/**
 * Learning curves coloured by state (pruned ones orange, ending in a cross), with the rungs each
 * trial reached as diamonds (Hyperband/ASHA rounds, or the ASHA pruner's rungs).
 */
export function intermediateChart(d: IntermediateData): ChartSpec {
  const curves = d.curves.flatMap((c) =>
    c.points.map((p) => ({ trial: c.number, state: c.state, step: p.step, value: r4(p.value) })),
  );
  const ends = d.curves
    .filter((c) => c.state === 'PRUNED')
    .map((c) => {
      const last = c.points[c.points.length - 1] as { step: number; value: number };
      return { trial: c.number, step: last.step, value: r4(last.value) };
    });
  const rungs = d.curves.flatMap((c) =>
    c.rungs.map((r) => ({
      trial: c.number,
      step: r.step,
      value: r4(r.value),
      rung: r.bracket === null ? `rung ${r.rung}` : `round ${r.rung}`,
      bracket: r.bracket,
    })),
  );
  const layers: unknown[] = [
    {
      data: { values: curves },
      mark: { type: 'line', strokeWidth: 1.2, opacity: 0.6, point: false },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: 'intermediate value', scale: { zero: false } },
        detail: { field: 'trial', type: 'nominal' },
        color: { field: 'state', type: 'nominal', scale: STATE_SCALE, title: 'state' },
        tooltip: [{ field: 'trial' }, { field: 'state' }, { field: 'step' }, { field: 'value' }],
      },
    },
  ];
  if (ends.length > 0) {
    layers.push({
      data: { values: ends },
      mark: { type: 'point', shape: 'cross', size: 50, filled: true, color: '#ff7f0e' },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative' },
        tooltip: [{ field: 'trial', title: 'pruned trial' }, { field: 'step' }],
      },
    });
  }
  if (rungs.length > 0) {
    layers.push({
      data: { values: rungs },
      mark: { type: 'point', shape: 'diamond', size: 60, filled: true, stroke: 'black', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative' },
        fill: { field: 'rung', type: 'ordinal', title: 'rung', scale: { scheme: 'dark2' } },
        tooltip: [{ field: 'trial' }, { field: 'rung' }, { field: 'bracket' }, { field: 'step' }, { field: 'value' }],
      },
    });
  }
  return { ...base(), width: WIDTH, height: HEIGHT, layer: layers, resolve: { scale: { color: 'independent' } } };
}

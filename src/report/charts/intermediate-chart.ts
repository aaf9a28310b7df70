import type { IntermediateData } from '../data/intermediate';
import { base, HEIGHT, r4, STATE_SCALE, WIDTH, type ChartSpec } from './common';

/**
 * Learning curves coloured by state (pruned ones orange, ending in a cross), with the rungs each
 * trial reached as diamonds (Hyperband/ASHA rounds, or the ASHA pruner's rungs).
 */
export function intermediateChart(d: IntermediateData): ChartSpec {
  // Segments between consecutive steps, drawn as one rule mark: a line mark split by trial makes
  // one group per trial, which costs Vega several times more for a 1,000-trial study.
  const segments = d.curves.flatMap((c) =>
    c.points.slice(1).map((p, i) => {
      const prev = c.points[i] as { step: number; value: number };
      return {
        trial: c.number,
        state: c.state,
        step: prev.step,
        value: r4(prev.value),
        step2: p.step,
        value2: r4(p.value),
      };
    }),
  );
  // Trials that reported once have no segment: a dot shows them.
  const single = d.curves
    .filter((c) => c.points.length === 1)
    .map((c) => ({ trial: c.number, state: c.state, step: c.points[0]?.step, value: r4(c.points[0]?.value ?? NaN) }));
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
  const x = { field: 'step', type: 'quantitative', title: 'step' };
  const y = { field: 'value', type: 'quantitative', title: 'intermediate value', scale: { zero: false } };
  const color = { field: 'state', type: 'nominal', scale: STATE_SCALE, title: 'state' };
  const layers: unknown[] = [
    {
      data: { values: segments },
      mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6, aria: false }, // a segment is no point to announce
      encoding: { x, y, x2: { field: 'step2' }, y2: { field: 'value2' }, color },
    },
    {
      data: { values: single },
      mark: { type: 'point', filled: true, size: 16, opacity: 0.8 },
      encoding: { x, y, color },
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

import { formatNumber } from '../../util/format';
import type { ParallelCoordinatesData } from '../data/parallel-coordinates';
import { base, HEIGHT, r4, WIDTH, type ChartSpec } from './common';

/** Axis end labels: low and high of numeric axes, every choice of categorical ones. */
function ticks(d: ParallelCoordinatesData, names: readonly string[]): { axis: string; pos: number; text: string }[] {
  const out = [
    { axis: names[0] as string, pos: 0, text: formatNumber(d.objectiveRange[0]) },
    { axis: names[0] as string, pos: 1, text: formatNumber(d.objectiveRange[1]) },
  ];
  d.axes.forEach((a, i) => {
    const axis = names[i + 1] as string;
    if (a.kind === 'numeric') {
      out.push({ axis, pos: 0, text: formatNumber(a.low) }, { axis, pos: 1, text: formatNumber(a.high) });
    } else {
      a.choices.forEach((c, j) =>
        out.push({ axis, pos: a.choices.length === 1 ? 0.5 : j / (a.choices.length - 1), text: c }),
      );
    }
  });
  return out;
}

/**
 * One line per trial across normalised axes (objective first), coloured by the objective with the
 * best end darkest. Axis names are data, not field names, so any parameter name is safe.
 */
export function parallelChart(d: ParallelCoordinatesData): ChartSpec {
  const names = [d.label, ...d.axes.map((a) => (a.kind === 'numeric' && a.log ? `${a.name} (log)` : a.name))];
  const rows = d.lines.flatMap((l) =>
    l.positions.map((pos, i) => ({
      trial: l.number,
      value: r4(l.value),
      axis: names[i],
      order: i,
      pos: r4(pos),
      label: l.labels[i],
    })),
  );
  const sort = names;
  return {
    ...base(),
    width: Math.max(WIDTH, 110 * names.length),
    height: HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1, opacity: 0.5 },
        encoding: {
          x: { field: 'axis', type: 'nominal', sort, title: null, axis: { orient: 'top', labelAngle: 0 } },
          y: { field: 'pos', type: 'quantitative', axis: null, scale: { domain: [0, 1] } },
          detail: { field: 'trial', type: 'nominal' },
          order: { field: 'order', type: 'quantitative' },
          color: {
            field: 'value',
            type: 'quantitative',
            title: d.label,
            scale: { scheme: 'viridis', reverse: d.direction === 'minimize' },
          },
          tooltip: [{ field: 'trial' }, { field: 'axis' }, { field: 'label', title: 'value' }],
        },
      },
      {
        data: { values: names.map((axis) => ({ axis })) },
        mark: { type: 'rule', color: '#888' },
        encoding: { x: { field: 'axis', type: 'nominal', sort } },
      },
      {
        data: { values: ticks(d, names) },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333' },
        encoding: {
          x: { field: 'axis', type: 'nominal', sort },
          y: { field: 'pos', type: 'quantitative', scale: { domain: [0, 1] } },
          text: { field: 'text' },
        },
      },
    ],
  };
}

import type { ContourData, GridBin } from '../data/contour';
import type { ParamAxis } from '../data/param-axes';
import { base, r4, SMALL, type ChartSpec } from './common';

function binFields(b: GridBin | undefined, prefix: 'x' | 'y'): Record<string, number | string> {
  if (b === undefined) return {};
  return b.kind === 'numeric' ? { [prefix]: r4(b.from), [`${prefix}2`]: r4(b.to) } : { [prefix]: b.choice };
}

function channel(axis: ParamAxis, field: 'x' | 'y'): Record<string, unknown> {
  return axis.kind === 'numeric'
    ? {
        field,
        type: 'quantitative',
        title: axis.name,
        scale: axis.log ? { type: 'log', nice: false } : { zero: false, nice: false },
      }
    : { field, type: 'nominal', title: axis.name, sort: [...axis.choices] };
}

function one(d: ContourData): Record<string, unknown> {
  const cells = d.cells.map((c) => ({
    ...binFields(d.xBins[c.xBin], 'x'),
    ...binFields(d.yBins[c.yBin], 'y'),
    value: r4(c.value),
  }));
  const x2 = d.x.kind === 'numeric' ? { x2: { field: 'x2' } } : {};
  const y2 = d.y.kind === 'numeric' ? { y2: { field: 'y2' } } : {};
  return {
    width: SMALL,
    height: SMALL,
    title: `${d.x.name} × ${d.y.name}`,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', opacity: 0.85, aria: false }, // grid cells: the dots carry the data
        encoding: {
          x: channel(d.x, 'x'),
          ...x2,
          y: channel(d.y, 'y'),
          ...y2,
          color: {
            field: 'value',
            type: 'quantitative',
            title: d.label,
            scale: { scheme: 'viridis', reverse: d.direction === 'minimize' },
          },
        },
      },
      {
        data: { values: d.points.map((p) => ({ trial: p.number, x: p.x, y: p.y, value: r4(p.value) })) },
        mark: { type: 'point', filled: true, size: 18, color: 'white', stroke: 'black', strokeWidth: 0.6 },
        encoding: {
          x: channel(d.x, 'x'),
          y: channel(d.y, 'y'),
          tooltip: [
            { field: 'trial' },
            { field: 'x', title: d.x.name },
            { field: 'y', title: d.y.name },
            { field: 'value' },
          ],
        },
      },
    ],
  };
}

/** One interpolated surface per parameter pair, the trials on top as white dots. */
export function contourChart(pairs: readonly ContourData[]): ChartSpec {
  return { ...base(), columns: 3, concat: pairs.map(one), resolve: { scale: { color: 'shared' } } };
}

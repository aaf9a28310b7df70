import type { TrialState } from '../../trial/state';

/** Colours for trial states, the same in every chart and the table. */
export const STATE_COLOURS: Readonly<Record<TrialState, string>> = {
  COMPLETE: '#1f77b4',
  PRUNED: '#ff7f0e',
  FAIL: '#d62728',
  RUNNING: '#2ca02c',
  WAITING: '#7f7f7f',
};

export const STATE_SCALE = {
  domain: Object.keys(STATE_COLOURS),
  range: Object.values(STATE_COLOURS),
};

/**
 * A Vega-Lite spec for one panel, as plain JSON (vega-lite's own types reject the layered and
 * concatenated specs built here piecewise; `vegaLite.compile` checks them when they are drawn).
 * The `$schema` is informative: nothing fetches it.
 */
export type ChartSpec = Record<string, unknown>;

export const WIDTH = 560;
export const HEIGHT = 280;
/** Small multiples (slices, contours, pairwise fronts). */
export const SMALL = 240;

/** What every spec shares: the schema URL (never fetched), no background, a quiet config. */
export function base(): { $schema: string; background: string; config: Record<string, unknown> } {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 200 } },
  };
}

/** Rounds a number for the embedded data: four significant digits are enough to draw. */
export function r4(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** A spec placed inside a concat: the top-level-only keys removed. */
export function nested(spec: ChartSpec): ChartSpec {
  const { $schema: _schema, config: _config, background: _background, ...rest } = spec;
  return rest;
}

/** A log y-scale when a positive range spans more than 10x (learning rates usually do), else linear from the data. */
export function valueScale(values: readonly number[]): Record<string, unknown> {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo > 0 && hi / lo > 10 ? { type: 'log' } : { zero: false };
}

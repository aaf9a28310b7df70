import { InvalidArgumentError } from '../../errors';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';
import { checkObjective, objectiveLabel, objectiveValue, type StudySnapshot } from '../snapshot';
import { axisPosition, choiceLabel, paramAxes, type ParamAxis } from './param-axes';

/** One grid cell along an axis: a numeric interval, or one categorical choice. */
export type GridBin =
  | { readonly kind: 'numeric'; readonly from: number; readonly to: number; readonly centre: number }
  | { readonly kind: 'categorical'; readonly choice: string; readonly centre: number };

export interface ContourCell {
  readonly xBin: number;
  readonly yBin: number;
  readonly value: number;
}

export interface ContourData {
  readonly label: string;
  readonly direction: StudyDirection;
  readonly x: ParamAxis;
  readonly y: ParamAxis;
  readonly xBins: readonly GridBin[];
  readonly yBins: readonly GridBin[];
  readonly cells: readonly ContourCell[];
  /** The trials behind the surface: x and y are numbers on numeric axes, labels on categorical ones. */
  readonly points: readonly {
    readonly number: number;
    readonly x: number | string;
    readonly y: number | string;
    readonly value: number;
  }[];
}

export interface ContourOptions {
  readonly objective?: number;
  /** Cells along a numeric axis (a categorical axis has one per choice). Default 24. */
  readonly resolution?: number;
}

function inverse(axis: ParamAxis & { kind: 'numeric' }, position: number): number {
  if (!axis.log) return axis.low + position * (axis.high - axis.low);
  return Math.exp(Math.log(axis.low) + position * (Math.log(axis.high) - Math.log(axis.low)));
}

function binsOf(axis: ParamAxis, resolution: number): GridBin[] {
  if (axis.kind === 'categorical') {
    return axis.choices.map((choice, i) => ({
      kind: 'categorical',
      choice,
      centre: axis.choices.length === 1 ? 0.5 : i / (axis.choices.length - 1),
    }));
  }
  return Array.from({ length: resolution }, (_, i) => ({
    kind: 'numeric',
    from: inverse(axis, i / resolution),
    to: inverse(axis, (i + 1) / resolution),
    centre: (i + 0.5) / resolution,
  }));
}

function external(axis: ParamAxis, t: FrozenTrial): number | string {
  const v = t.params[axis.name] ?? null;
  return axis.kind === 'numeric' && typeof v === 'number' ? v : choiceLabel(v);
}

/**
 * A contour of one objective over two parameters (Optuna's `_get_contour_info` interpolates with
 * scipy's griddata; we use inverse-distance weighting, power 2, in the axes' normalised [0, 1]
 * coordinates — log axes in log space). It is a reading aid, not a model: a cell near a trial shows
 * about that trial's value. Only COMPLETE trials that used both parameters count.
 */
export function contourData(
  study: StudySnapshot,
  xParam: string,
  yParam: string,
  options: ContourOptions = {},
): ContourData {
  const objective = options.objective ?? 0;
  const direction = checkObjective(study, objective, 'options.objective');
  const resolution = options.resolution ?? 24;
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 200) {
    throw new InvalidArgumentError('options.resolution', resolution, 'an integer in [2, 200]');
  }
  const complete = study.trials.filter((t) => objectiveValue(t, objective) !== null);
  const axes = paramAxes(complete);
  const find = (name: string, field: string): ParamAxis => {
    const axis = axes.find((a) => a.name === name);
    if (axis === undefined) {
      throw new InvalidArgumentError(
        field,
        name,
        `a parameter of a COMPLETE trial (${axes.map((a) => a.name).join(', ')})`,
      );
    }
    return axis;
  };
  const x = find(xParam, 'xParam');
  const y = find(yParam, 'yParam');
  if (x.name === y.name) throw new InvalidArgumentError('yParam', yParam, 'a parameter other than xParam');
  const used = complete.filter((t) => x.name in t.params && y.name in t.params).sort((a, b) => a.number - b.number);
  const known = used.map((t) => ({
    px: axisPosition(x, t.params[x.name]) ?? 0.5,
    py: axisPosition(y, t.params[y.name]) ?? 0.5,
    value: objectiveValue(t, objective) as number,
  }));
  const xBins = binsOf(x, resolution);
  const yBins = binsOf(y, resolution);
  const cells: ContourCell[] = [];
  if (known.length > 0) {
    xBins.forEach((xb, xi) => {
      yBins.forEach((yb, yi) => cells.push({ xBin: xi, yBin: yi, value: idw(known, xb.centre, yb.centre) }));
    });
  }
  const points = used.map((t, i) => ({
    number: t.number,
    x: external(x, t),
    y: external(y, t),
    value: known[i]?.value ?? NaN,
  }));
  return { label: objectiveLabel(study, objective), direction, x, y, xBins, yBins, cells, points };
}

/** Inverse-distance weighting; points at distance ~0 are averaged and win outright. */
export function idw(known: readonly { px: number; py: number; value: number }[], px: number, py: number): number {
  let num = 0;
  let den = 0;
  let exactSum = 0;
  let exactCount = 0;
  for (const k of known) {
    const d2 = (k.px - px) ** 2 + (k.py - py) ** 2;
    if (d2 < 1e-18) {
      exactSum += k.value;
      exactCount++;
      continue;
    }
    num += k.value / d2;
    den += 1 / d2;
  }
  return exactCount > 0 ? exactSum / exactCount : num / den;
}

/**
 * The parameter pairs the report draws: the (at most) four parameters the most COMPLETE trials used
 * (ties by name), each pair once. Without importances (not built yet) use is the fairest order.
 */
export function contourPairs(study: StudySnapshot, objective = 0, maxParams = 4): [string, string][] {
  const complete = study.trials.filter((t) => objectiveValue(t, objective) !== null);
  const counts = new Map<string, number>();
  for (const t of complete) for (const k of Object.keys(t.params)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const names = [...counts.entries()]
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxParams)
    .map(([k]) => k)
    .sort();
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) pairs.push([names[i] as string, names[j] as string]);
  return pairs;
}

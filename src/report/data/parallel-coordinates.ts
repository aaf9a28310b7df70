import type { ParamValue } from '../../space/distributions';
import type { StudyDirection } from '../../trial/state';
import { checkObjective, objectiveLabel, objectiveValue, type StudySnapshot } from '../snapshot';
import { axisPosition, choiceLabel, paramAxes, type ParamAxis } from './param-axes';

export interface ParallelLine {
  readonly number: number;
  readonly value: number;
  /** Position on each axis in [0, 1], in `axes` order; the objective's axis first. */
  readonly positions: readonly number[];
  /** What each axis shows for this trial (for tooltips and tables). */
  readonly labels: readonly string[];
}

export interface ParallelCoordinatesData {
  readonly label: string;
  readonly direction: StudyDirection;
  /** The objective's range, then one axis per parameter, by name. */
  readonly objectiveRange: readonly [number, number];
  readonly axes: readonly ParamAxis[];
  readonly lines: readonly ParallelLine[];
}

function label(v: ParamValue): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : choiceLabel(v);
}

/**
 * Parallel coordinates (Optuna's `_get_parallel_coordinate_info`): one line per COMPLETE trial
 * with a finite value, through the objective's axis and one axis per parameter. As in Optuna, a
 * trial lacking any of the parameters (a conditional space) is left out: a line with a gap would
 * read as a value. Positions are normalised so the renderer only draws.
 */
export function parallelCoordinatesData(study: StudySnapshot, objective = 0): ParallelCoordinatesData {
  const direction = checkObjective(study, objective);
  const complete = [...study.trials]
    .filter((t) => objectiveValue(t, objective) !== null)
    .sort((a, b) => a.number - b.number);
  const axes = paramAxes(complete);
  const kept = complete.filter((t) => axes.every((a) => a.name in t.params));
  const values = kept.map((t) => objectiveValue(t, objective) as number);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const lines = kept.map((t, i): ParallelLine => {
    const value = values[i] as number;
    return {
      number: t.number,
      value,
      positions: [
        hi === lo ? 0.5 : (value - lo) / (hi - lo),
        ...axes.map((a) => axisPosition(a, t.params[a.name]) ?? 0.5),
      ],
      labels: [String(Number(value.toPrecision(4))), ...axes.map((a) => label(t.params[a.name] ?? null))],
    };
  });
  return {
    label: objectiveLabel(study, objective),
    direction,
    objectiveRange: lines.length === 0 ? [0, 0] : [lo, hi],
    axes,
    lines,
  };
}

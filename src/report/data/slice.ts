import type { StudyDirection } from '../../trial/state';
import { checkObjective, objectiveLabel, objectiveValue, type StudySnapshot } from '../snapshot';
import { choiceLabel, paramAxes, type ParamAxis } from './param-axes';

export interface SlicePoint {
  readonly number: number;
  /** The parameter's value: a number on numeric axes, the choice's label on categorical ones. */
  readonly x: number | string;
  readonly value: number;
}

export interface SliceData {
  readonly label: string;
  readonly direction: StudyDirection;
  /** One per parameter, by name, each with the trials that used it. */
  readonly params: readonly { readonly axis: ParamAxis; readonly points: readonly SlicePoint[] }[];
}

/**
 * Slice plots (Optuna's `_get_slice_plot_info`): for each parameter, the objective against the
 * parameter's value over the COMPLETE trials that used it (conditional parameters have fewer points).
 */
export function sliceData(study: StudySnapshot, objective = 0): SliceData {
  const direction = checkObjective(study, objective);
  const complete = [...study.trials]
    .filter((t) => objectiveValue(t, objective) !== null)
    .sort((a, b) => a.number - b.number);
  const params = paramAxes(complete).map((axis) => ({
    axis,
    points: complete
      .filter((t) => axis.name in t.params)
      .map((t): SlicePoint => {
        const v = t.params[axis.name] ?? null;
        const x = axis.kind === 'numeric' && typeof v === 'number' ? v : choiceLabel(v);
        return { number: t.number, x, value: objectiveValue(t, objective) as number };
      }),
  }));
  return { label: objectiveLabel(study, objective), direction, params };
}

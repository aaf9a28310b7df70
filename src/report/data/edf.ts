import { checkObjective, objectiveLabel, objectiveValue, type StudySnapshot } from '../snapshot';

export interface EDFData {
  readonly label: string;
  /** Values ascending, each with the fraction of COMPLETE trials at or below it (the last is 1). */
  readonly points: readonly { readonly value: number; readonly fraction: number }[];
}

/**
 * The empirical distribution function of one objective's values (Optuna's `_get_edf_info`, for
 * one study): which share of trials reached at most each value. Ties give one step.
 */
export function edfData(study: StudySnapshot, objective = 0): EDFData {
  checkObjective(study, objective);
  const values = study.trials
    .map((t) => objectiveValue(t, objective))
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const points: { value: number; fraction: number }[] = [];
  values.forEach((value, i) => {
    const fraction = (i + 1) / values.length;
    const prev = points[points.length - 1];
    if (prev !== undefined && prev.value === value) points[points.length - 1] = { value, fraction };
    else points.push({ value, fraction });
  });
  return { label: objectiveLabel(study, objective), points };
}

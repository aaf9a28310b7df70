import { getParamImportances } from '../../analysis/importance/get-param-importances';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { TrialState } from '../../trial/state';
import { checkObjective, objectiveLabel, objectiveValue, type StudySnapshot } from '../snapshot';

export interface ImportanceData {
  readonly label: string;
  /** Parameters by decreasing importance; the shares sum to 1. */
  readonly bars: readonly { readonly param: string; readonly importance: number }[];
}

/**
 * Parameter importances for one objective (Optuna's `_get_importances_info`), by PED-ANOVA, the
 * default evaluator: which parameters set the best 10 % of COMPLETE trials apart. Empty bars when
 * fewer than two trials have a finite value or no parameter was suggested.
 */
export function importanceData(study: StudySnapshot, objective = 0): ImportanceData {
  const direction = checkObjective(study, objective);
  const label = objectiveLabel(study, objective);
  const valued = study.trials.filter((t) => objectiveValue(t, objective) !== null);
  if (valued.length < 2 || valued.every((t) => Object.keys(t.params).length === 0)) return { label, bars: [] };
  const view = {
    directions: study.directions,
    getTrials: (options?: { states?: readonly TrialState[] }): readonly FrozenTrial[] =>
      options?.states ? study.trials.filter((t) => options.states?.includes(t.state)) : study.trials,
  };
  const sign = direction === 'maximize' ? -1 : 1;
  const importances = getParamImportances(view, { target: (t) => sign * (objectiveValue(t, objective) ?? NaN) });
  return { label, bars: [...importances].map(([param, importance]) => ({ param, importance })) };
}

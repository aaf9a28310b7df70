/**
 * Which hyperparameters mattered (`tune.importance`, Optuna's `optuna.importance`): fANOVA and
 * mean decrease in impurity on a random forest, and PED-ANOVA (the default).
 * @module importance
 */
export { getParamImportances, getParamImportancesPerObjective } from '../analysis/importance/get-param-importances';
export type { ParamImportancesOptions } from '../analysis/importance/get-param-importances';
export {
  FanovaImportanceEvaluator,
  MeanDecreaseImpurityImportanceEvaluator,
} from '../analysis/importance/forest-evaluators';
export type { ForestEvaluatorOptions, ImportanceEvaluator } from '../analysis/importance/forest-evaluators';
export { PedAnovaImportanceEvaluator } from '../analysis/importance/ped-anova';
export type { PedAnovaOptions } from '../analysis/importance/ped-anova';
export type { ImportanceQuery, ImportanceStudy, ImportanceTarget } from '../analysis/importance/trial-data';

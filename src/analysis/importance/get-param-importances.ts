import { InvalidArgumentError } from '../../errors';
import type { ImportanceEvaluator } from './forest-evaluators';
import { PedAnovaImportanceEvaluator } from './ped-anova';
import { checkParams, type ImportanceQuery, type ImportanceStudy } from './trial-data';

/** Options of {@link getParamImportances}. */
export interface ParamImportancesOptions extends ImportanceQuery {
  /** The algorithm. Default: PED-ANOVA (Optuna's default since 5.0). */
  readonly evaluator?: ImportanceEvaluator;
  /** Scale the importances to sum to 1 (equal shares when all are 0). Default true. */
  readonly normalize?: boolean;
}

/**
 * How much each parameter mattered, in descending order (Optuna's `get_param_importances`).
 * `params` narrows the assessed parameters; `target` picks the number explained (required for
 * several objectives, e.g. `(t) => t.values[0]`). The evaluators answer different questions and
 * can disagree on the same trials: fANOVA, how the objective varies with a parameter over the
 * whole search space; PED-ANOVA, what sets the best 10 % of trials apart; MDI, what the forest
 * split on.
 *
 * @example
 * ```ts
 * const importances = tune.importance.getParamImportances(study);
 * for (const [name, share] of importances) console.log(name, share.toFixed(2));
 * ```
 */
export function getParamImportances(
  study: ImportanceStudy,
  options: ParamImportancesOptions = {},
): Map<string, number> {
  const evaluator = options.evaluator ?? new PedAnovaImportanceEvaluator();
  if (typeof evaluator !== 'object' || evaluator === null || typeof evaluator.evaluate !== 'function') {
    throw new InvalidArgumentError(
      'getParamImportances evaluator',
      evaluator,
      'an importance evaluator (FanovaImportanceEvaluator, PedAnovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator)',
    );
  }
  const normalize = options.normalize ?? true;
  if (typeof normalize !== 'boolean')
    throw new InvalidArgumentError('getParamImportances normalize', normalize, 'a boolean');
  const params = checkParams(options.params, 'getParamImportances');
  const query: ImportanceQuery = {
    ...(params !== undefined ? { params } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
  };
  const raw = evaluator.evaluate(study, query);
  if (!normalize) return raw;
  const total = [...raw.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, number>();
  for (const [name, v] of raw) out.set(name, total === 0 ? 1 / raw.size : v / total);
  return out;
}

/**
 * {@link getParamImportances} for each objective of a study with several (one `Map` per objective,
 * in the study's order): the target of objective `i` is `values[i]`, negated when it is maximised,
 * so PED-ANOVA's top quantile is the best trials for that objective (fANOVA and MDI do not depend
 * on the sign).
 *
 * @example
 * ```ts
 * const [forAccuracy, forSize] = tune.importance.getParamImportancesPerObjective(study);
 * ```
 */
export function getParamImportancesPerObjective(
  study: ImportanceStudy,
  options: Omit<ParamImportancesOptions, 'target'> = {},
): Map<string, number>[] {
  if ((options as ParamImportancesOptions).target !== undefined)
    throw new InvalidArgumentError(
      'getParamImportancesPerObjective target',
      'a function',
      'left out (each objective is its own target; use getParamImportances for a target of your own)',
    );
  return study.directions.map((direction, i) => {
    const sign = direction === 'maximize' ? -1 : 1;
    return getParamImportances(study, { ...options, target: (t) => sign * (t.values?.[i] ?? Number.NaN) });
  });
}

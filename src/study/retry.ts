import type { ParamValue } from '../space/distributions';
import type { FailedTrialCallback } from './study';

/**
 * A `failedTrialCallback` that re-enqueues a trial found dead (its process crashed) with the same
 * parameters, up to `maxRetry` times per original trial (Optuna's RetryFailedTrialCallback).
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ storage: 'sqlite:./s.db', failedTrialCallback: tune.retryFailedTrialCallback({ maxRetry: 2 }) });
 * ```
 */
export function retryFailedTrialCallback(options: { maxRetry?: number } = {}): FailedTrialCallback {
  const maxRetry = options.maxRetry ?? Infinity;
  return async (study, trial) => {
    const history = Array.isArray(trial.systemAttrs['retry_history'])
      ? (trial.systemAttrs['retry_history'] as number[])
      : [];
    if (history.length >= maxRetry) return;
    const fixed = trial.systemAttrs['fixed_params'];
    const params: Record<string, ParamValue> = {
      ...(fixed as Record<string, ParamValue> | undefined),
      ...trial.params,
    };
    await study.storage.createTrial(study.studyId, {
      state: 'WAITING',
      userAttrs: trial.userAttrs,
      systemAttrs: {
        fixed_params: params,
        retried_from: history[0] ?? trial.number,
        retry_history: [...history, trial.number],
      },
    });
  };
}

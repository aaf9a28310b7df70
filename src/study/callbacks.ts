import type { TrialState } from '../trial/state';
import type { StudyCallback } from './study';

/**
 * Stops the study once it holds `nTrials` trials in the given states (default: all finished ones),
 * counted across every process sharing the storage — Optuna's MaxTrialsCallback. Use it to run a
 * study "to a total" after a crash or from several workers.
 *
 * @example
 * ```ts
 * await study.optimize(objective, { callbacks: [tune.maxTrialsCallback(100)] });
 * ```
 */
export function maxTrialsCallback(nTrials: number, options: { states?: readonly TrialState[] } = {}): StudyCallback {
  const states = options.states ?? ['COMPLETE', 'PRUNED', 'FAIL'];
  return async (study) => {
    await study.refresh();
    if (study.getTrials({ states }).length >= nTrials) study.stop();
  };
}

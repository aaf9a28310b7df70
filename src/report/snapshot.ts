import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/state';

/**
 * What the report reads of a study: its name, directions and trials. A `Study` is one; so is what
 * the CLI reads straight from a storage, so the report never needs a sampler or a pruner.
 */
export interface StudySnapshot {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly trials: readonly FrozenTrial[];
}

/**
 * Optuna's system attribute for constraint values (`optuna.samplers._base._CONSTRAINTS_KEY`): a trial
 * is feasible when every value is <= 0. Our samplers write none today; studies imported from Optuna
 * carry them, and the report honours them.
 */
export const CONSTRAINTS_KEY = 'constraints';

/** True, false, or null when the trial carries no constraint values. */
export function feasibility(trial: FrozenTrial): boolean | null {
  const raw = trial.systemAttrs[CONSTRAINTS_KEY];
  if (!Array.isArray(raw)) return null;
  return raw.every((c) => typeof c === 'number' && c <= 0);
}

/** The objective's value of a COMPLETE trial when it is finite; null otherwise (charts skip it). */
export function objectiveValue(trial: FrozenTrial, objective: number): number | null {
  if (trial.state !== 'COMPLETE' || trial.values === null) return null;
  const v = trial.values[objective];
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** The label of objective i: "value" for a single objective, else "values[i]". */
export function objectiveLabel(study: StudySnapshot, objective: number): string {
  return study.directions.length === 1 ? 'value' : `values[${objective}]`;
}

/** Refuses an objective index the study does not have, naming the allowed range. */
export function checkObjective(study: StudySnapshot, objective: number, field = 'objective'): StudyDirection {
  const direction = study.directions[objective];
  if (!Number.isInteger(objective) || direction === undefined) {
    throw new InvalidArgumentError(field, objective, `an integer in [0, ${study.directions.length - 1}]`);
  }
  return direction;
}

/** Whether `a` is better than `b` in this direction. */
export function isBetter(a: number, b: number, direction: StudyDirection): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

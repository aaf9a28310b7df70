import type { StudyDirection, TrialState } from '../trial/state';

/**
 * Optuna's `JournalOperation` codes 0–9, the ones every Optuna since 3.1 reads. Code 10 exists in
 * Optuna 5.0 only and older readers stop at it, so we never write it and refuse it on import.
 */
export const OP = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
} as const;

/** Optuna's `TrialState` values. */
export const STATE_CODES: Readonly<Record<TrialState, number>> = {
  RUNNING: 0,
  COMPLETE: 1,
  PRUNED: 2,
  FAIL: 3,
  WAITING: 4,
};
export const STATES_BY_CODE: readonly TrialState[] = ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'];

/** Optuna's `StudyDirection` values (0 is NOT_SET, which a created study never has). */
export const DIRECTION_CODES: Readonly<Record<StudyDirection, number>> = { minimize: 1, maximize: 2 };

/**
 * A date as Optuna writes it (`isoformat(timespec="microseconds")`), in UTC without an offset:
 * Optuna 3.1 writes naive local times, and a naive UTC one is read by every version alike.
 */
export function optunaDatetime(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000`;
}

/** Parses Optuna's ISO dates: naive ones are taken as UTC, offsets are honoured. */
export function parseOptunaDatetime(text: string): Date | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?$/.exec(text);
  if (m === null) return null;
  const ms = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const d = new Date(`${m[1]}.${ms}${m[3] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

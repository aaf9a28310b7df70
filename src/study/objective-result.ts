import { quote } from '../errors';

export type ObjectiveResult = number | readonly number[];

/** Either the values to store, or why the trial must FAIL instead. */
export type CheckedValues = { ok: true; values: number[] } | { ok: false; reason: string };

/**
 * Checks what an objective returned against the study's number of directions: a number (or an
 * array) of the right length, with no NaN. Infinity is allowed, as in Optuna.
 */
export function checkObjectiveValues(result: unknown, nDirections: number): CheckedValues {
  const values = Array.isArray(result) ? (result as unknown[]) : [result];
  if (values.length !== nDirections) {
    return {
      ok: false,
      reason: `objective returned ${values.length} value(s) (${quote(result)}) but the study has ${nDirections} direction(s)`,
    };
  }
  for (const v of values) {
    if (typeof v !== 'number') return { ok: false, reason: `objective returned ${quote(v)}, which is not a number` };
    if (Number.isNaN(v)) return { ok: false, reason: 'objective returned NaN' };
  }
  return { ok: true, values: values as number[] };
}

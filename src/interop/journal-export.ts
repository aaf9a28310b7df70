import type { StudyRecord } from '../storage/base';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import { distributionToOptuna } from './optuna-distributions';
import { DIRECTION_CODES, OP, optunaDatetime, STATE_CODES } from './optuna-codes';
import { PyFloat, toPythonJSON, type PyJson } from './python-json';

export interface ExportedStudy {
  readonly record: StudyRecord;
  readonly trials: readonly FrozenTrial[];
}

const floats = (vs: readonly number[]): PyFloat[] => vs.map((v) => new PyFloat(v));

/**
 * One trial as one CREATE_TRIAL line carrying the whole trial, the form Optuna's own `copy_study`
 * writes (a template trial): the trial id is implicit (the count of CREATE_TRIAL lines before it,
 * over every study), the number too (the count within its study). Params are internal values
 * (a categorical's index), distributions are JSON strings.
 */
function trialLine(studyId: number, t: FrozenTrial, workerId: string): string {
  const distributions: Record<string, PyJson> = {};
  const params: Record<string, PyJson> = {};
  for (const name of Object.keys(t.params).sort()) {
    const d = t.distributions[name];
    if (d === undefined) continue;
    distributions[name] = distributionToOptuna(d);
    const internal = d.toInternal(t.params[name] ?? null);
    params[name] = d.type === 'float' ? new PyFloat(internal) : internal;
  }
  const intermediate: Record<string, PyJson> = {};
  for (const [step, v] of [...t.intermediateValues].sort(([a], [b]) => a - b))
    intermediate[String(step)] = new PyFloat(v);
  const single = t.values !== null && t.values.length === 1;
  const log: Record<string, PyJson> = {
    op_code: OP.CREATE_TRIAL,
    worker_id: workerId,
    study_id: studyId,
    datetime_start: t.datetimeStart === null ? null : optunaDatetime(t.datetimeStart),
    state: STATE_CODES[t.state],
    // Optuna's template form: `value` for one objective, `values` for several (never both).
    value: single ? new PyFloat(t.values?.[0] ?? NaN) : null,
    values: t.values !== null && !single ? floats(t.values) : null,
    distributions,
    params,
    user_attrs: t.userAttrs as PyJson,
    system_attrs: t.systemAttrs as PyJson,
    intermediate_values: intermediate,
  };
  if (t.datetimeComplete !== null) log['datetime_complete'] = optunaDatetime(t.datetimeComplete);
  return toPythonJSON(log);
}

/**
 * Studies as the lines of an Optuna JournalFileStorage log (operation codes 0–9 only). Study ids
 * are implicit too: the study's position among the CREATE_STUDY lines of this file.
 */
export function journalLines(studies: readonly ExportedStudy[], workerId = 'tfjs-tune-export'): string[] {
  const lines: string[] = [];
  studies.forEach(({ record, trials }, studyId) => {
    const base = { worker_id: workerId, study_id: studyId };
    lines.push(
      toPythonJSON({
        op_code: OP.CREATE_STUDY,
        worker_id: workerId,
        study_name: record.studyName,
        directions: record.directions.map((d) => DIRECTION_CODES[d]),
      }),
    );
    const attr = (op: number, key: string, value: JsonValue, field: string): string =>
      toPythonJSON({ op_code: op, ...base, [field]: { [key]: value as PyJson } });
    for (const [k, v] of Object.entries(record.userAttrs)) lines.push(attr(OP.SET_STUDY_USER_ATTR, k, v, 'user_attr'));
    for (const [k, v] of Object.entries(record.systemAttrs))
      lines.push(attr(OP.SET_STUDY_SYSTEM_ATTR, k, v, 'system_attr'));
    for (const t of [...trials].sort((a, b) => a.number - b.number)) lines.push(trialLine(studyId, t, workerId));
  });
  return lines;
}

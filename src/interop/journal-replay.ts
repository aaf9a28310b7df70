import { InvalidArgumentError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';
import type { JsonValue } from '../trial/json';
import { isFinished, type StudyDirection, type TrialState } from '../trial/state';
import { distributionFromOptuna } from './optuna-distributions';
import { OP, parseOptunaDatetime, STATES_BY_CODE } from './optuna-codes';
import { parsePythonJSON } from './python-json';

export interface ReplayedTrial {
  readonly number: number;
  state: TrialState;
  values: number[] | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediateValues: Map<number, number>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: Date | null;
  datetimeComplete: Date | null;
}

export interface ReplayedStudy {
  readonly studyName: string;
  readonly directions: StudyDirection[];
  readonly userAttrs: Record<string, JsonValue>;
  readonly systemAttrs: Record<string, JsonValue>;
  /** In number order. */
  readonly trials: ReplayedTrial[];
}

type Log = Record<string, unknown>;

const DIRECTIONS: Readonly<Record<number, StudyDirection>> = { 1: 'minimize', 2: 'maximize' };

function field<T>(log: Log, key: string, where: string, check: (v: unknown) => v is T, allowed: string): T {
  const v = log[key];
  if (!check(v)) throw new InvalidArgumentError(`${where}.${key}`, v, allowed);
  return v;
}
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number';

function date(v: unknown, where: string): Date | null {
  if (v === null || v === undefined) return null;
  const d = typeof v === 'string' ? parseOptunaDatetime(v) : null;
  if (d === null) throw new InvalidArgumentError(where, v, 'an ISO date as Optuna writes it');
  return d;
}

function valuesOf(log: Log, where: string): number[] | null {
  const values = log['values'];
  if (Array.isArray(values)) {
    if (!values.every(isNumber)) throw new InvalidArgumentError(`${where}.values`, values, 'a list of numbers');
    return values;
  }
  const value = log['value'];
  return typeof value === 'number' ? [value] : null;
}

/**
 * Replays an Optuna JournalFileStorage log (operation codes 0–9) the way Optuna's
 * `JournalStorageReplayResult` does: study ids count CREATE_STUDY lines (a duplicate name is
 * ignored), trial ids count CREATE_TRIAL lines over all studies, a write to a finished trial or to
 * a missing study or trial is ignored (another worker's lost race). Deleted studies are dropped.
 * Anything malformed, and operation code 10 (Optuna 5.0 only), is an InvalidArgumentError naming
 * the line.
 */
export function replayJournal(text: string): ReplayedStudy[] {
  const studies = new Map<number, ReplayedStudy>();
  const trials: { study: number; trial: ReplayedTrial }[] = [];
  let nextStudyId = 0;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `line ${index + 1}`;
    const parsed = parsePythonJSON(line, where);
    if (!isObject(parsed)) throw new InvalidArgumentError(where, line.slice(0, 80), 'a JSON object');
    const log = parsed;
    const op = field(log, 'op_code', where, isInt, 'an operation code 0-9');
    const study = (): ReplayedStudy | undefined => studies.get(field(log, 'study_id', where, isInt, 'a study id'));
    const trial = (): ReplayedTrial | undefined => {
      const entry = trials[field(log, 'trial_id', where, isInt, 'a trial id')];
      return entry !== undefined && studies.has(entry.study) && !isFinished(entry.trial.state)
        ? entry.trial
        : undefined;
    };
    const oneAttr = (key: string): [string, JsonValue] => {
      const attr = field(log, key, where, isObject, 'an object with one key');
      const [entry] = Object.entries(attr);
      if (entry === undefined) throw new InvalidArgumentError(`${where}.${key}`, attr, 'an object with one key');
      return entry as [string, JsonValue];
    };
    switch (op) {
      case OP.CREATE_STUDY: {
        const studyName = field(log, 'study_name', where, isString, 'a study name');
        const codes = field(log, 'directions', where, Array.isArray, 'a list of directions');
        const directions = codes.map((c) => {
          const d = DIRECTIONS[c as number];
          if (d === undefined)
            throw new InvalidArgumentError(`${where}.directions`, codes, '1 (minimize) or 2 (maximize)');
          return d;
        });
        if ([...studies.values()].some((s) => s.studyName === studyName)) return;
        studies.set(nextStudyId++, { studyName, directions, userAttrs: {}, systemAttrs: {}, trials: [] });
        return;
      }
      case OP.DELETE_STUDY:
        studies.delete(field(log, 'study_id', where, isInt, 'a study id'));
        return;
      case OP.SET_STUDY_USER_ATTR:
      case OP.SET_STUDY_SYSTEM_ATTR: {
        const s = study();
        const [k, v] = oneAttr(op === OP.SET_STUDY_USER_ATTR ? 'user_attr' : 'system_attr');
        if (s !== undefined) (op === OP.SET_STUDY_USER_ATTR ? s.userAttrs : s.systemAttrs)[k] = v;
        return;
      }
      case OP.CREATE_TRIAL: {
        const studyId = field(log, 'study_id', where, isInt, 'a study id');
        const s = studies.get(studyId);
        if (s === undefined) return;
        const stateCode = log['state'] ?? 0;
        const state = STATES_BY_CODE[stateCode as number];
        if (state === undefined) throw new InvalidArgumentError(`${where}.state`, stateCode, 'a trial state 0-4');
        const distributions: Record<string, Distribution> = {};
        const params: Record<string, ParamValue> = {};
        const dists = isObject(log['distributions']) ? log['distributions'] : {};
        for (const [k, d] of Object.entries(dists))
          distributions[k] = distributionFromOptuna(String(d), `${where}.distributions.${k}`);
        const rawParams = isObject(log['params']) ? log['params'] : {};
        for (const [k, p] of Object.entries(rawParams)) {
          const d = distributions[k];
          if (d === undefined || typeof p !== 'number')
            throw new InvalidArgumentError(`${where}.params.${k}`, p, 'an internal value with a distribution');
          params[k] = d.toExternal(p);
        }
        const inter = isObject(log['intermediate_values']) ? log['intermediate_values'] : {};
        const t: ReplayedTrial = {
          number: s.trials.length,
          state,
          values: valuesOf(log, where),
          params,
          distributions,
          intermediateValues: new Map(Object.entries(inter).map(([k, v]) => [Number(k), v as number])),
          userAttrs: (isObject(log['user_attrs']) ? log['user_attrs'] : {}) as Record<string, JsonValue>,
          systemAttrs: (isObject(log['system_attrs']) ? log['system_attrs'] : {}) as Record<string, JsonValue>,
          datetimeStart: date(log['datetime_start'], `${where}.datetime_start`),
          datetimeComplete: date(log['datetime_complete'], `${where}.datetime_complete`),
        };
        s.trials.push(t);
        trials.push({ study: studyId, trial: t });
        return;
      }
      case OP.SET_TRIAL_PARAM: {
        const t = trial();
        const name = field(log, 'param_name', where, isString, 'a parameter name');
        const internal = field(log, 'param_value_internal', where, isNumber, 'a number');
        const d = distributionFromOptuna(
          field(log, 'distribution', where, isString, 'a distribution as JSON text'),
          `${where}.distribution`,
        );
        if (t === undefined) return;
        t.params[name] = d.toExternal(internal);
        t.distributions[name] = d;
        return;
      }
      case OP.SET_TRIAL_STATE_VALUES: {
        const t = trial();
        const code = field(log, 'state', where, isInt, 'a trial state 0-4');
        const state = STATES_BY_CODE[code];
        if (state === undefined) throw new InvalidArgumentError(`${where}.state`, code, 'a trial state 0-4');
        if (t === undefined || (state === 'RUNNING' && t.state === 'RUNNING')) return;
        if (state === 'RUNNING') t.datetimeStart = date(log['datetime_start'], `${where}.datetime_start`);
        if (isFinished(state)) t.datetimeComplete = date(log['datetime_complete'], `${where}.datetime_complete`);
        t.state = state;
        const values = valuesOf(log, where);
        if (values !== null) t.values = values;
        return;
      }
      case OP.SET_TRIAL_INTERMEDIATE_VALUE: {
        const t = trial();
        const step = field(log, 'step', where, isInt, 'an integer step');
        const value = field(log, 'intermediate_value', where, isNumber, 'a number');
        t?.intermediateValues.set(step, value);
        return;
      }
      case OP.SET_TRIAL_USER_ATTR:
      case OP.SET_TRIAL_SYSTEM_ATTR: {
        const t = trial();
        const [k, v] = oneAttr(op === OP.SET_TRIAL_USER_ATTR ? 'user_attr' : 'system_attr');
        if (t !== undefined) (op === OP.SET_TRIAL_USER_ATTR ? t.userAttrs : t.systemAttrs)[k] = v;
        return;
      }
      default:
        throw new InvalidArgumentError(
          `${where}.op_code`,
          op,
          '0-9 (Optuna JournalFileStorage operations; 10 is Optuna 5.0-only and not read here)',
        );
    }
  });
  return [...studies.values()];
}

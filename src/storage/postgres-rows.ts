import type { StudyDirection } from '../trial/state';
import type { JsonValue } from '../trial/json';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyRecord } from './base';
import { assembleTrials, type DistributionCache, type TrialChildRows } from './sqlite-rows';
import type { TrialRow } from './sqlite-statements';

/** A trial as `postgres-sql.ts` selects it: child rows come aggregated as JSON arrays (null when none). */
export interface PgTrialRow {
  trial_id: number;
  number: number;
  state: string;
  datetime_start: number | null;
  datetime_complete: number | null;
  /** [name, value_json, distribution_json] */
  params: [string, string | null, string | null][] | null;
  /** Values as PostgreSQL's text ('NaN', 'Infinity' and shortest exact digits). */
  vals: string[] | null;
  inter: [number, string][] | null;
  user_attrs: [string, string][] | null;
  system_attrs: [string, string][] | null;
}

export interface PgStudyRow {
  study_id: number;
  study_name: string;
  directions_json: string;
  datetime_start: number;
  user_attrs: [string, string][] | null;
  system_attrs: [string, string][] | null;
}

/** PostgreSQL writes ±Infinity as 'Infinity' / '-Infinity', which Number() reads back exactly. */
const toNumber = (text: string): number => Number(text);

/** Builds trials from aggregated rows, through the same assembly as the SQLite storage. */
export function assemblePgTrials(rows: readonly PgTrialRow[], dists: DistributionCache): FrozenTrial[] {
  const trials: TrialRow[] = [];
  const children: TrialChildRows = { params: [], values: [], intermediates: [], userAttrs: [], systemAttrs: [] };
  for (const r of rows) {
    trials.push({
      trial_id: r.trial_id,
      study_id: 0,
      number: r.number,
      state: r.state,
      datetime_start: r.datetime_start,
      datetime_complete: r.datetime_complete,
      heartbeat: null,
    });
    const id = r.trial_id;
    for (const [name, value_json, distribution_json] of r.params ?? []) {
      children.params.push({ trial_id: id, name, value_json, distribution_json });
    }
    (r.vals ?? []).forEach((v, i) => children.values.push({ trial_id: id, key: i, value: toNumber(v) }));
    for (const [step, v] of r.inter ?? []) children.intermediates.push({ trial_id: id, key: step, value: toNumber(v) });
    for (const [key, value_json] of r.user_attrs ?? []) children.userAttrs.push({ trial_id: id, key, value_json });
    for (const [key, value_json] of r.system_attrs ?? []) children.systemAttrs.push({ trial_id: id, key, value_json });
  }
  return assembleTrials(trials, children, dists);
}

function attrs(pairs: [string, string][] | null): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of pairs ?? []) out[k] = JSON.parse(v) as JsonValue;
  return out;
}

export function assemblePgStudy(row: PgStudyRow): StudyRecord {
  return {
    studyId: row.study_id,
    studyName: row.study_name,
    directions: JSON.parse(row.directions_json) as StudyDirection[],
    userAttrs: attrs(row.user_attrs),
    systemAttrs: attrs(row.system_attrs),
    datetimeStart: new Date(row.datetime_start),
  };
}

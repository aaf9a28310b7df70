import {
  distributionFromJson,
  type Distribution,
  type DistributionJson,
  type ParamValue,
} from '../space/distributions';
import { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { TrialState } from '../trial/state';
import type { StudyRecord } from './base';
import type { NumberRow, ParamRow, StudyAttrRow, StudyRow, TrialAttrRow, TrialRow } from './sqlite-statements';

/** NaN cannot live in SQLite (it becomes NULL), so NULL is how a stored NaN reads back. */
export function encodeNumber(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function decodeNumber(value: number | null): number {
  return value === null ? NaN : value;
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

/**
 * Rebuilds distributions from their JSON once per distinct JSON: a study reuses a handful, and
 * distributions are immutable, so trials may share one object. Bounded so a study whose ranges
 * change every trial cannot grow it without limit.
 */
export class DistributionCache {
  private readonly cache = new Map<string, Distribution>();

  get(json: string): Distribution {
    let d = this.cache.get(json);
    if (d === undefined) {
      if (this.cache.size >= 1024) this.cache.clear();
      d = distributionFromJson(JSON.parse(json) as DistributionJson);
      this.cache.set(json, d);
    }
    return d;
  }
}

/** The child rows of one or many trials, each list in the order the trial should show them. */
export interface TrialChildRows {
  params: ParamRow[];
  values: NumberRow[];
  intermediates: NumberRow[];
  userAttrs: TrialAttrRow[];
  systemAttrs: TrialAttrRow[];
}

interface Parts {
  row: TrialRow;
  values: number[] | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediateValues: Map<number, number>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
}

/**
 * Groups child rows under their trials in one pass each, so loading many trials costs a fixed
 * number of queries plus linear work. Child rows of trials not in `trials` are ignored.
 */
export function assembleTrials(
  trials: readonly TrialRow[],
  rows: TrialChildRows,
  dists: DistributionCache,
): FrozenTrial[] {
  const byId = new Map<number, Parts>();
  for (const row of trials) {
    byId.set(row.trial_id, {
      row,
      values: null,
      params: {},
      distributions: {},
      intermediateValues: new Map(),
      userAttrs: {},
      systemAttrs: {},
    });
  }
  for (const p of rows.params) {
    const t = byId.get(p.trial_id);
    if (t === undefined) continue;
    if (p.value_json !== null) t.params[p.name] = JSON.parse(p.value_json) as ParamValue;
    if (p.distribution_json !== null) t.distributions[p.name] = dists.get(p.distribution_json);
  }
  for (const v of rows.values) {
    const t = byId.get(v.trial_id);
    if (t === undefined) continue;
    (t.values ??= []).push(decodeNumber(v.value));
  }
  for (const v of rows.intermediates) byId.get(v.trial_id)?.intermediateValues.set(v.key, decodeNumber(v.value));
  for (const a of rows.userAttrs) {
    const t = byId.get(a.trial_id);
    if (t !== undefined) t.userAttrs[a.key] = JSON.parse(a.value_json) as JsonValue;
  }
  for (const a of rows.systemAttrs) {
    const t = byId.get(a.trial_id);
    if (t !== undefined) t.systemAttrs[a.key] = JSON.parse(a.value_json) as JsonValue;
  }
  return trials.map((row) => {
    const t = byId.get(row.trial_id) as Parts;
    return new FrozenTrial({
      trialId: row.trial_id,
      number: row.number,
      state: row.state as TrialState,
      values: t.values,
      params: t.params,
      distributions: t.distributions,
      intermediateValues: t.intermediateValues,
      userAttrs: t.userAttrs,
      systemAttrs: t.systemAttrs,
      datetimeStart: toDate(row.datetime_start),
      datetimeComplete: toDate(row.datetime_complete),
    });
  });
}

function attrsByStudy(rows: readonly StudyAttrRow[]): Map<number, Record<string, JsonValue>> {
  const out = new Map<number, Record<string, JsonValue>>();
  for (const a of rows) {
    let attrs = out.get(a.study_id);
    if (attrs === undefined) out.set(a.study_id, (attrs = {}));
    attrs[a.key] = JSON.parse(a.value_json) as JsonValue;
  }
  return out;
}

/** Builds study records from the study rows and all their attribute rows (a few queries for any number of studies). */
export function assembleStudies(
  studies: readonly StudyRow[],
  userAttrs: readonly StudyAttrRow[],
  systemAttrs: readonly StudyAttrRow[],
): StudyRecord[] {
  const user = attrsByStudy(userAttrs);
  const system = attrsByStudy(systemAttrs);
  return studies.map((s) => ({
    studyId: s.study_id,
    studyName: s.study_name,
    directions: JSON.parse(s.directions_json) as StudyRecord['directions'],
    userAttrs: user.get(s.study_id) ?? {},
    systemAttrs: system.get(s.study_id) ?? {},
    datetimeStart: new Date(s.datetime_start),
  }));
}

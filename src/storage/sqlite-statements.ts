import type Database from 'better-sqlite3';

export interface StudyRow {
  study_id: number;
  study_name: string;
  directions_json: string;
  datetime_start: number;
}
export interface StudyAttrRow {
  study_id: number;
  key: string;
  value_json: string;
}
export interface TrialRow {
  trial_id: number;
  study_id: number;
  number: number;
  state: string;
  datetime_start: number | null;
  datetime_complete: number | null;
  heartbeat: number | null;
}
export interface ParamRow {
  trial_id: number;
  name: string;
  value_json: string | null;
  distribution_json: string | null;
}
/** A value or an intermediate value; `value` NULL stands for NaN. */
export interface NumberRow {
  trial_id: number;
  key: number;
  value: number | null;
}
export interface TrialAttrRow {
  trial_id: number;
  key: string;
  value_json: string;
}

/** Bindings of the set-based reads: one study's trials from a number on, optionally by state. */
export interface TrialScope {
  studyId: number;
  fromNumber: number;
  /** A JSON array of states, or null for all (one statement serves every filter via json_each). */
  states: string | null;
}

const SCOPE = `t.study_id = @studyId AND t.number >= @fromNumber
  AND (@states IS NULL OR t.state IN (SELECT value FROM json_each(@states)))`;

/**
 * The child rows of a trial are read two ways with the same SELECT list: by trial id (getTrial) and
 * for a whole scope of trials at once (getAllTrials), which keeps that a fixed number of queries.
 */
type Stmt<B extends unknown[], R = unknown> = Database.Statement<B, R>;

interface ChildReads<R> {
  ofTrial: Stmt<[number], R>;
  ofScope: Stmt<[TrialScope], R>;
}
interface StudyAttrStatements {
  upsert: Stmt<[number, string, string]>;
  ofStudy: Stmt<[number], StudyAttrRow>;
  all: Stmt<[], StudyAttrRow>;
}
interface TrialAttrStatements extends ChildReads<TrialAttrRow> {
  upsert: Stmt<[number, string, string]>;
}

/** Every statement the storage runs (spelled out because declaration files must name them). */
export interface Statements {
  insertStudy: Stmt<[string, string, number]>;
  deleteStudy: Stmt<[number]>;
  studyById: Stmt<[number], StudyRow>;
  studyIdByName: Stmt<[string], { study_id: number }>;
  allStudies: Stmt<[], StudyRow>;
  studyUserAttrs: StudyAttrStatements;
  studySystemAttrs: StudyAttrStatements;
  nextNumber: Stmt<[number], { next: number }>;
  insertTrial: Stmt<[number, number, string, number | null]>;
  trialById: Stmt<[number], TrialRow>;
  trialsOfScope: Stmt<[TrialScope], TrialRow>;
  oldestWaiting: Stmt<[number], { trial_id: number }>;
  waitingByNumber: Stmt<[number, number], { trial_id: number }>;
  staleRunning: Stmt<[number, number], { trial_id: number }>;
  updateState: Stmt<[string, number | null, number | null, number]>;
  heartbeat: Stmt<[number, number]>;
  upsertParam: Stmt<[number, string, string | null, string | null]>;
  params: ChildReads<ParamRow>;
  deleteValues: Stmt<[number]>;
  insertValue: Stmt<[number, number, number | null]>;
  values: ChildReads<NumberRow>;
  upsertIntermediate: Stmt<[number, number, number | null]>;
  intermediates: ChildReads<NumberRow>;
  trialUserAttrs: TrialAttrStatements;
  trialSystemAttrs: TrialAttrStatements;
}

function childReads<R>(db: Database.Database, columns: string, table: string, order: string): ChildReads<R> {
  return {
    ofTrial: db.prepare<[number], R>(`SELECT ${columns} FROM ${table} c WHERE c.trial_id = ? ORDER BY ${order}`),
    ofScope: db.prepare<TrialScope, R>(
      `SELECT ${columns} FROM ${table} c JOIN trials t ON t.trial_id = c.trial_id WHERE ${SCOPE} ORDER BY ${order}`,
    ),
  };
}

function studyAttrStatements(db: Database.Database, table: string): StudyAttrStatements {
  return {
    upsert: db.prepare<[number, string, string]>(
      `INSERT INTO ${table} (study_id, key, value_json) VALUES (?, ?, ?)
       ON CONFLICT (study_id, key) DO UPDATE SET value_json = excluded.value_json`,
    ),
    ofStudy: db.prepare<[number], StudyAttrRow>(
      `SELECT study_id, key, value_json FROM ${table} WHERE study_id = ? ORDER BY attr_id`,
    ),
    all: db.prepare<[], StudyAttrRow>(`SELECT study_id, key, value_json FROM ${table} ORDER BY attr_id`),
  };
}

function trialAttrStatements(db: Database.Database, table: string): TrialAttrStatements {
  return {
    // An upsert rather than INSERT OR REPLACE keeps the rowid, so a key keeps its place on update.
    upsert: db.prepare<[number, string, string]>(
      `INSERT INTO ${table} (trial_id, key, value_json) VALUES (?, ?, ?)
       ON CONFLICT (trial_id, key) DO UPDATE SET value_json = excluded.value_json`,
    ),
    ...childReads<TrialAttrRow>(db, 'c.trial_id, c.key, c.value_json', table, 'c.attr_id'),
  };
}

const TRIAL_COLUMNS = 't.trial_id, t.study_id, t.number, t.state, t.datetime_start, t.datetime_complete, t.heartbeat';

/** Prepares every statement once per connection (preparing costs more than running). */
export function prepareStatements(db: Database.Database): Statements {
  return {
    insertStudy: db.prepare<[string, string, number]>(
      'INSERT INTO studies (study_name, directions_json, datetime_start) VALUES (?, ?, ?)',
    ),
    deleteStudy: db.prepare<[number]>('DELETE FROM studies WHERE study_id = ?'),
    studyById: db.prepare<[number], StudyRow>('SELECT * FROM studies WHERE study_id = ?'),
    studyIdByName: db.prepare<[string], { study_id: number }>('SELECT study_id FROM studies WHERE study_name = ?'),
    allStudies: db.prepare<[], StudyRow>('SELECT * FROM studies ORDER BY study_id'),
    studyUserAttrs: studyAttrStatements(db, 'study_user_attrs'),
    studySystemAttrs: studyAttrStatements(db, 'study_system_attrs'),

    // Numbers are gap-free, so max + 1 is both the next number and the trial count (and uses the
    // unique index instead of counting rows).
    nextNumber: db.prepare<[number], { next: number }>(
      'SELECT coalesce(max(number), -1) + 1 AS next FROM trials WHERE study_id = ?',
    ),
    insertTrial: db.prepare<[number, number, string, number | null]>(
      'INSERT INTO trials (study_id, number, state, datetime_start) VALUES (?, ?, ?, ?)',
    ),
    trialById: db.prepare<[number], TrialRow>(`SELECT ${TRIAL_COLUMNS} FROM trials t WHERE t.trial_id = ?`),
    trialsOfScope: db.prepare<TrialScope, TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM trials t WHERE ${SCOPE} ORDER BY t.number`,
    ),
    oldestWaiting: db.prepare<[number], { trial_id: number }>(
      "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1",
    ),
    waitingByNumber: db.prepare<[number, number], { trial_id: number }>(
      "SELECT trial_id FROM trials WHERE study_id = ? AND number = ? AND state = 'WAITING'",
    ),
    staleRunning: db.prepare<[number, number], { trial_id: number }>(
      "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'RUNNING' AND heartbeat < ? ORDER BY number",
    ),
    updateState: db.prepare<[string, number | null, number | null, number]>(
      'UPDATE trials SET state = ?, datetime_start = ?, datetime_complete = ? WHERE trial_id = ?',
    ),
    heartbeat: db.prepare<[number, number]>('UPDATE trials SET heartbeat = ? WHERE trial_id = ?'),

    upsertParam: db.prepare<[number, string, string | null, string | null]>(
      `INSERT INTO trial_params (trial_id, name, value_json, distribution_json) VALUES (?, ?, ?, ?)
       ON CONFLICT (trial_id, name) DO UPDATE SET value_json = excluded.value_json,
         distribution_json = excluded.distribution_json`,
    ),
    params: childReads<ParamRow>(
      db,
      'c.trial_id, c.name, c.value_json, c.distribution_json',
      'trial_params',
      'c.param_id',
    ),

    deleteValues: db.prepare<[number]>('DELETE FROM trial_values WHERE trial_id = ?'),
    insertValue: db.prepare<[number, number, number | null]>(
      'INSERT INTO trial_values (trial_id, objective, value) VALUES (?, ?, ?)',
    ),
    values: childReads<NumberRow>(
      db,
      'c.trial_id, c.objective AS key, c.value',
      'trial_values',
      'c.trial_id, c.objective',
    ),

    upsertIntermediate: db.prepare<[number, number, number | null]>(
      `INSERT INTO trial_intermediate_values (trial_id, step, value) VALUES (?, ?, ?)
       ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value`,
    ),
    intermediates: childReads<NumberRow>(
      db,
      'c.trial_id, c.step AS key, c.value',
      'trial_intermediate_values',
      'c.trial_id, c.step',
    ),

    trialUserAttrs: trialAttrStatements(db, 'trial_user_attrs'),
    trialSystemAttrs: trialAttrStatements(db, 'trial_system_attrs'),
  };
}

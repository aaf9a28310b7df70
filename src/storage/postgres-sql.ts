/**
 * The SQL of the PostgreSQL storage. Every hot operation is one statement, so it costs one round
 * trip and commits atomically on its own: the trial row is locked in a CTE (`FOR UPDATE` /
 * `FOR SHARE`), the write happens only when that row is still writable, and the statement returns
 * what the caller needs to tell "no such trial" from "trial finished". Under READ COMMITTED a row
 * lock that had to wait re-reads the row's newest version, so the check sees the latest state.
 */

/** The server's clock in epoch milliseconds: one clock for every worker's heartbeats. */
export const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

const WRITABLE = "('RUNNING', 'WAITING')";

/** A trial with all its child rows, aggregated as JSON arrays (one round trip for any number of trials). */
const TRIAL_SELECT = `
SELECT t.trial_id, t.number, t.state, t.datetime_start, t.datetime_complete,
  (SELECT json_agg(json_build_array(c.name, c.value_json, c.distribution_json) ORDER BY c.param_id)
     FROM trial_params c WHERE c.trial_id = t.trial_id) AS params,
  (SELECT json_agg(c.value::text ORDER BY c.objective)
     FROM trial_values c WHERE c.trial_id = t.trial_id) AS vals,
  (SELECT json_agg(json_build_array(c.step, c.value::text) ORDER BY c.step)
     FROM trial_intermediate_values c WHERE c.trial_id = t.trial_id) AS inter,
  (SELECT json_agg(json_build_array(c.key, c.value_json) ORDER BY c.attr_id)
     FROM trial_user_attrs c WHERE c.trial_id = t.trial_id) AS user_attrs,
  (SELECT json_agg(json_build_array(c.key, c.value_json) ORDER BY c.attr_id)
     FROM trial_system_attrs c WHERE c.trial_id = t.trial_id) AS system_attrs
FROM trials t`;

const STUDY_SELECT = `
SELECT s.study_id, s.study_name, s.directions_json, s.datetime_start,
  (SELECT json_agg(json_build_array(a.key, a.value_json) ORDER BY a.attr_id)
     FROM study_user_attrs a WHERE a.study_id = s.study_id) AS user_attrs,
  (SELECT json_agg(json_build_array(a.key, a.value_json) ORDER BY a.attr_id)
     FROM study_system_attrs a WHERE a.study_id = s.study_id) AS system_attrs
FROM studies s`;

/** Writes a child row of a trial when the trial is writable; `$1` is the trial id. */
function guardedTrialWrite(insert: string): string {
  return `
WITH t AS (SELECT trial_id, number, state FROM trials WHERE trial_id = $1 FOR SHARE),
w AS (${insert} RETURNING 1)
SELECT t.number, t.state FROM t`;
}

function trialAttrUpsert(table: string): string {
  return guardedTrialWrite(`INSERT INTO ${table} (trial_id, key, value_json)
    SELECT t.trial_id, $2, $3 FROM t WHERE t.state IN ${WRITABLE}
    ON CONFLICT (trial_id, key) DO UPDATE SET value_json = excluded.value_json`);
}

function studyAttrUpsert(table: string): string {
  return `INSERT INTO ${table} (study_id, key, value_json)
    SELECT study_id, $2, $3 FROM studies WHERE study_id = $1
    ON CONFLICT (study_id, key) DO UPDATE SET value_json = excluded.value_json
    RETURNING 1`;
}

export const SQL = {
  insertStudy: `INSERT INTO studies (study_name, directions_json, datetime_start, next_number)
    VALUES ($1, $2, ${NOW_MS}, 0) RETURNING study_id`,
  deleteStudy: 'DELETE FROM studies WHERE study_id = $1',
  studyIdByName: 'SELECT study_id FROM studies WHERE study_name = $1',
  studyExists: 'SELECT 1 FROM studies WHERE study_id = $1',
  studyById: `${STUDY_SELECT} WHERE s.study_id = $1`,
  allStudies: `${STUDY_SELECT} ORDER BY s.study_id`,
  studyUserAttr: studyAttrUpsert('study_user_attrs'),
  studySystemAttr: studyAttrUpsert('study_system_attrs'),

  /**
   * Takes the study's next number and inserts the trial in one statement. The UPDATE of the
   * counter locks the study row, so concurrent creators queue there and each sees the count the
   * previous one committed; the number and the trial commit (or roll back) together, so numbers
   * stay gap-free, and the `maxTrials` test sits in the same UPDATE, so no writer overshoots.
   */
  createTrial: `
WITH n AS (
  UPDATE studies SET next_number = next_number + 1
  WHERE study_id = $1 AND ($2::integer IS NULL OR next_number < $2)
  RETURNING study_id, next_number - 1 AS number)
INSERT INTO trials (study_id, number, state, datetime_start, create_token)
SELECT n.study_id, n.number, $3, CASE WHEN $3 = 'RUNNING' THEN ${NOW_MS} END, $4 FROM n
RETURNING trial_id, number, datetime_start`,
  trialByToken: 'SELECT trial_id FROM trials WHERE create_token = $1',
  trialById: `${TRIAL_SELECT} WHERE t.trial_id = $1`,
  trialsByIds: `${TRIAL_SELECT} WHERE t.trial_id = ANY($1::bigint[]) ORDER BY t.number`,
  trialsOfScope: `${TRIAL_SELECT}
    WHERE t.study_id = $1 AND t.number >= $2 AND ($3::text[] IS NULL OR t.state = ANY($3::text[]))
    ORDER BY t.number`,
  trialState: 'SELECT number, state FROM trials WHERE trial_id = $1',

  /** SKIP LOCKED: a worker never waits on (or takes) a WAITING trial another one is claiming. */
  claimWaiting: `
UPDATE trials SET state = 'RUNNING', datetime_start = ${NOW_MS}
WHERE trial_id = (
  SELECT trial_id FROM trials
  WHERE study_id = $1 AND state = 'WAITING' AND ($2::integer IS NULL OR number = $2)
  ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING trial_id`,

  setParam: guardedTrialWrite(`INSERT INTO trial_params (trial_id, name, value_json, distribution_json)
    SELECT t.trial_id, $2, $3, $4 FROM t WHERE t.state IN ${WRITABLE}
    ON CONFLICT (trial_id, name) DO UPDATE SET value_json = excluded.value_json,
      distribution_json = excluded.distribution_json`),
  templateParam: `INSERT INTO trial_params (trial_id, name, value_json, distribution_json) VALUES ($1, $2, $3, $4)`,
  templateUserAttr: 'INSERT INTO trial_user_attrs (trial_id, key, value_json) VALUES ($1, $2, $3)',
  templateSystemAttr: 'INSERT INTO trial_system_attrs (trial_id, key, value_json) VALUES ($1, $2, $3)',
  setIntermediate: guardedTrialWrite(`INSERT INTO trial_intermediate_values (trial_id, step, value)
    SELECT t.trial_id, $2, $3 FROM t WHERE t.state IN ${WRITABLE}
    ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value`),
  trialUserAttr: trialAttrUpsert('trial_user_attrs'),
  trialSystemAttr: trialAttrUpsert('trial_system_attrs'),

  /**
   * $2 state, $3 whether it finishes the trial, $4 the values (or NULL to keep them). Values
   * beyond the new list's length are removed, so a shorter list replaces a longer one.
   */
  setState: `
WITH t AS (SELECT trial_id, number, state FROM trials WHERE trial_id = $1 FOR UPDATE),
u AS (
  UPDATE trials SET state = $2,
    datetime_start = coalesce(trials.datetime_start, CASE WHEN $2 = 'RUNNING' THEN ${NOW_MS} END),
    datetime_complete = CASE WHEN $3::boolean THEN ${NOW_MS} END
  FROM t WHERE trials.trial_id = t.trial_id AND t.state IN ${WRITABLE}
  RETURNING trials.trial_id),
d AS (
  DELETE FROM trial_values WHERE trial_id IN (SELECT trial_id FROM u) AND objective >= cardinality($4::float8[])),
v AS (
  INSERT INTO trial_values (trial_id, objective, value)
  SELECT u.trial_id, x.ord - 1, x.val FROM u, unnest($4::float8[]) WITH ORDINALITY AS x(val, ord)
  ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value)
SELECT t.number, t.state FROM t`,

  heartbeat: `UPDATE trials SET heartbeat = ${NOW_MS} WHERE trial_id = $1`,
  failStale: `
UPDATE trials SET state = 'FAIL', datetime_complete = ${NOW_MS}
WHERE study_id = $1 AND state = 'RUNNING' AND heartbeat < ${NOW_MS} - $2::bigint
RETURNING trial_id`,
  failReasons: `INSERT INTO trial_system_attrs (trial_id, key, value_json)
    SELECT id, $2, $3 FROM unnest($1::bigint[]) AS id
    ON CONFLICT (trial_id, key) DO UPDATE SET value_json = excluded.value_json`,
} as const;

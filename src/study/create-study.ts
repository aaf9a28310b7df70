import { randomInt, randomUUID } from 'node:crypto';

import { InvalidArgumentError } from '../errors';
import type { Pruner } from '../pruners/base';
import { NopPruner } from '../pruners/nop';
import type { Sampler } from '../samplers/base';
import { RandomSampler } from '../samplers/random';
import type { Storage, StudyRecord } from '../storage/base';
import { existingStorageFromUrl, isPersistent, storageFromUrl } from '../storage/from-url';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyDirection } from '../trial/state';
import { stderrLogger, type Logger } from '../util/logger';
import { paretoFront } from './multi-objective';
import { Study, type FailedTrialCallback } from './study';

export interface LoadStudyOptions {
  readonly studyName: string;
  /** A URL (`sqlite:./tfjs-tune.db`) or a Storage; omitted: in memory. */
  readonly storage?: string | Storage;
  /** Default: a RandomSampler seeded from the study's seed. */
  readonly sampler?: Sampler;
  /** Default: NopPruner. */
  readonly pruner?: Pruner;
  /** Default: the seed stored with the study (a new study without one draws and stores a seed). */
  readonly seed?: number;
  /** Seconds between heartbeats of running trials; 0 turns them off. Default 20 for files, 0 in memory. */
  readonly heartbeatInterval?: number;
  /** Seconds without a heartbeat after which a RUNNING trial is declared dead. Default 3 × interval. */
  readonly gracePeriod?: number;
  readonly failedTrialCallback?: FailedTrialCallback;
  readonly logger?: Logger;
}

export interface CreateStudyOptions extends Omit<LoadStudyOptions, 'studyName'> {
  readonly studyName?: string;
  readonly direction?: StudyDirection;
  readonly directions?: readonly StudyDirection[];
  /** Load the study when the name exists instead of failing. */
  readonly loadIfExists?: boolean;
}

const CREATE_KEYS = [
  'studyName',
  'storage',
  'direction',
  'directions',
  'sampler',
  'pruner',
  'seed',
  'loadIfExists',
  'heartbeatInterval',
  'gracePeriod',
  'failedTrialCallback',
  'logger',
];
const DIRECTIONS: readonly StudyDirection[] = ['minimize', 'maximize'];

function checkKeys(options: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(`${what}.${key}`, key, `one of ${allowed.join(', ')}`);
  }
}

function resolveDirections(options: CreateStudyOptions): StudyDirection[] {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new InvalidArgumentError('direction', options.direction, 'either direction or directions, not both');
  }
  const dirs: readonly StudyDirection[] = options.directions ?? [options.direction ?? 'minimize'];
  if (!Array.isArray(dirs) || dirs.length === 0)
    throw new InvalidArgumentError('directions', dirs, 'a non-empty array');
  for (const d of dirs as readonly StudyDirection[]) {
    if (!DIRECTIONS.includes(d))
      throw new InvalidArgumentError(options.directions ? 'directions' : 'direction', d, "'minimize' or 'maximize'");
  }
  return (dirs as readonly StudyDirection[]).slice();
}

function checkSeconds(field: string, v: number | undefined): void {
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
    throw new InvalidArgumentError(field, v, 'a number of seconds >= 0');
  }
}

async function openStudy(storage: Storage, record: StudyRecord, options: LoadStudyOptions): Promise<Study> {
  let seed = options.seed;
  const stored = record.systemAttrs['seed'];
  if (seed === undefined && typeof stored === 'number') seed = stored;
  if (seed === undefined) seed = randomInt(0, 2 ** 31 - 1); // a fresh study's seed is drawn once, then stored
  if (!Number.isInteger(seed)) throw new InvalidArgumentError('seed', seed, 'an integer');
  const systemAttrs: Record<string, JsonValue> = { ...record.systemAttrs };
  if (stored === undefined) {
    await storage.setStudySystemAttr(record.studyId, 'seed', seed);
    systemAttrs['seed'] = seed;
  }
  const interval = options.heartbeatInterval ?? (isPersistent(storage) ? 20 : 0);
  const grace = interval > 0 ? (options.gracePeriod ?? 3 * interval) : 0;
  const study = new Study({
    storage,
    studyId: record.studyId,
    studyName: record.studyName,
    directions: record.directions,
    sampler: options.sampler ?? new RandomSampler(),
    pruner: options.pruner ?? new NopPruner(),
    seed,
    logger: options.logger ?? stderrLogger,
    heartbeatIntervalMs: interval * 1000,
    gracePeriodMs: grace * 1000,
    failedTrialCallback: options.failedTrialCallback ?? null,
    systemAttrs,
    userAttrs: { ...record.userAttrs },
  });
  await study.failStaleTrials();
  await study.refresh();
  return study;
}

/**
 * Creates a study (or, with `loadIfExists`, loads the one of that name).
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({
 *   studyName: 'mnist-mlp', storage: 'sqlite:./tfjs-tune.db', direction: 'maximize', seed: 42, loadIfExists: true,
 * });
 * ```
 */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  checkKeys(options, CREATE_KEYS, 'createStudy options');
  const directions = resolveDirections(options);
  checkSeconds('heartbeatInterval', options.heartbeatInterval);
  checkSeconds('gracePeriod', options.gracePeriod);
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new InvalidArgumentError('seed', options.seed, 'an integer');
  const studyName = options.studyName ?? `no-name-${randomUUID()}`;
  if (typeof studyName !== 'string' || studyName.length === 0) {
    throw new InvalidArgumentError('studyName', studyName, 'a non-empty string');
  }
  const storage = storageFromUrl(options.storage);
  let studyId: number;
  try {
    studyId = await storage.createStudy(studyName, directions);
  } catch (e) {
    if (options.loadIfExists !== true) throw e;
    studyId = await storage.getStudyIdByName(studyName);
    const record = await storage.getStudy(studyId);
    if (JSON.stringify(record.directions) !== JSON.stringify(directions)) {
      throw new InvalidArgumentError(
        'directions',
        directions,
        `the stored study's directions ${JSON.stringify(record.directions)}`,
      );
    }
  }
  return openStudy(storage, await storage.getStudy(studyId), { ...options, studyName });
}

/** Loads an existing study by name; a missing study, or a SQLite file that does not exist, is a `StudyNotFoundError`. */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  checkKeys(
    options,
    CREATE_KEYS.filter((k) => !['direction', 'directions', 'loadIfExists'].includes(k)),
    'loadStudy options',
  );
  if (typeof options.studyName !== 'string')
    throw new InvalidArgumentError('studyName', options.studyName, 'a study name');
  // Loading never creates: a missing SQLite file is an error, as a missing study is.
  const storage = existingStorageFromUrl(options.storage);
  const studyId = await storage.getStudyIdByName(options.studyName);
  return openStudy(storage, await storage.getStudy(studyId), options);
}

export async function deleteStudy(options: { studyName: string; storage?: string | Storage }): Promise<void> {
  const storage = storageFromUrl(options.storage);
  await storage.deleteStudy(await storage.getStudyIdByName(options.studyName));
}

/** One line of `getAllStudySummaries`. */
export interface StudySummary {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly nTrials: number;
  readonly trialsByState: Readonly<Record<string, number>>;
  /** Single objective: the best completed trial; several: null (see `bestTrials` of the study). */
  readonly bestTrial: FrozenTrial | null;
  readonly paretoSize: number;
  readonly datetimeStart: Date;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
}

export async function getAllStudySummaries(options: { storage?: string | Storage } = {}): Promise<StudySummary[]> {
  const storage = storageFromUrl(options.storage);
  const out: StudySummary[] = [];
  for (const record of await storage.getAllStudies()) {
    const trials = await storage.getAllTrials(record.studyId);
    const byState: Record<string, number> = {};
    for (const t of trials) byState[t.state] = (byState[t.state] ?? 0) + 1;
    const complete = trials.filter((t) => t.state === 'COMPLETE');
    let best: FrozenTrial | null = null;
    if (record.directions.length === 1) {
      const sign = record.directions[0] === 'maximize' ? -1 : 1;
      for (const t of complete)
        if (best === null || sign * (t.value as number) < sign * (best.value as number)) best = t;
    }
    out.push({
      studyName: record.studyName,
      directions: record.directions,
      nTrials: trials.length,
      trialsByState: byState,
      bestTrial: best,
      paretoSize: paretoFront(complete, record.directions).length,
      datetimeStart: record.datetimeStart,
      userAttrs: record.userAttrs,
    });
  }
  return out;
}

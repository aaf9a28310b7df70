import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { redactStorageUrl } from '../../storage/postgres-url';
import type { Study } from '../../study/study';
import type { JsonValue } from '../../trial/json';
import type { RunConfig } from '../config/schema';

/**
 * What `tfjs-tune run` stores in its study (system attribute {@link RUN_RECORD_KEY}) so that
 * `tfjs-tune worker --storage URL --study NAME` on another machine can join: the resolved config
 * (its storage URL without a password), the budget and the checkpoint folder every worker writes to.
 */
export interface RunRecord {
  readonly config: RunConfig;
  /** The study is done when it holds this many COMPLETE trials (null: no budget, workers run until stopped). */
  readonly budget: number | null;
  /** Absolute; every worker must be able to read and write it (a shared folder across machines). */
  readonly checkpointDir: string;
  /**
   * Seconds between heartbeats, the same for every process of the study: a worker fails another's
   * trial after 3 of *its own* intervals without a beat, so a shorter interval on one machine would
   * fail the live trials of another.
   */
  readonly heartbeatInterval: number;
}

export const RUN_RECORD_KEY = 'tfjs_tune_run';

/** The config as stored: the storage URL goes without its password (each worker passes its own). */
export function recordRun(study: Study, record: RunRecord): Promise<void> {
  const config = { ...record.config, storage: redactStorageUrl(record.config.storage) };
  const json = JSON.parse(JSON.stringify({ ...record, config })) as JsonValue;
  return study.setSystemAttr(RUN_RECORD_KEY, json);
}

export function readRunRecord(study: Study, studyName: string): RunRecord {
  const raw = study.systemAttrs[RUN_RECORD_KEY];
  if (raw === undefined || raw === null || typeof raw !== 'object') {
    throw new InvalidArgumentError(
      '--study',
      studyName,
      'a study created by `tfjs-tune run CONFIG --storage URL` (this one holds no run config to join)',
    );
  }
  return raw as unknown as RunRecord;
}

/** The file by which a worker recognises the study's own checkpoint folder. */
const MARKER = '.tfjs-tune-study';

function markerText(study: Study): string {
  return `${study.studyName}\n${study.studyId}\n`;
}

/** Called by `tfjs-tune run`: marks the checkpoint folder as this study's. */
export function markCheckpointDir(dir: string, study: Study): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), markerText(study));
}

/**
 * Refuses a checkpoint folder this machine cannot use. A study on a shared database is worked on
 * from several machines, so its checkpoint folder must be an absolute path that every one of them
 * reaches (a shared mount at the same path). Creating a local folder of that name would pass an
 * access check while nobody else sees its checkpoints, so the folder must also hold the marker
 * file that `tfjs-tune run` wrote there for this very study.
 */
export function checkCheckpointDir(dir: string, study: Study): void {
  if (!isAbsolute(dir)) {
    throw new InvalidArgumentError('checkpoints', dir, 'an absolute path that every worker machine can read and write');
  }
  let marker: string;
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
    marker = readFileSync(join(dir, MARKER), 'utf8');
  } catch (e) {
    throw new TfjsTuneError(
      `the study's checkpoint folder "${dir}" is not readable and writable from this machine (${(e as Error).message}): mount the shared folder there at that path`,
    );
  }
  if (marker !== markerText(study)) {
    throw new TfjsTuneError(
      `"${dir}" is not the checkpoint folder of study "${study.studyName}" (${MARKER} names another study): mount the shared folder there at that path`,
    );
  }
}

/**
 * Our side of the main job: `tfjs-tune run CONFIG --workers N` as a user starts it (a fresh Node
 * process, a fresh SQLite study, checkpoints beside it), timed from the spawn to its exit; the
 * trials are then read back from the study.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { stringify } from 'yaml';

import { SqliteStorage } from '../../src/storage/sqlite';
import { epochLogOf } from '../../src/trial/epoch-log';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import type { RunRecord, TrialRecord } from './summary';

/** The built CLI (the benchmark runs from dist/, as `npm run bench` does). */
function cliBin(): string {
  return resolve(__dirname, '..', '..', 'src', 'cli', 'bin.js');
}

function toRecord(t: FrozenTrial, launch: number): TrialRecord {
  const seconds = (d: Date | null): number => (d === null ? Number.NaN : d.getTime() / 1000 - launch);
  return {
    number: t.number,
    state: t.state,
    value: t.values?.[0] ?? null,
    start: seconds(t.datetimeStart),
    end: seconds(t.datetimeComplete),
    epochSeconds: epochLogOf(t).map((e) => e.metrics['seconds'] ?? Number.NaN),
  };
}

export async function runOurs(
  raw: Record<string, unknown>,
  meta: { variant: string; workers: number; seed: number },
  dir: string,
): Promise<RunRecord> {
  const tag = `ours-${meta.variant}-w${meta.workers}-s${meta.seed}`;
  const config = join(dir, `${tag}.yaml`);
  const db = join(dir, `${tag}.db`);
  writeFileSync(config, stringify(raw));
  const launch = Date.now() / 1000;
  const res = spawnSync(
    process.execPath,
    [cliBin(), 'run', config, '--storage', `sqlite:${db}`, '--workers', String(meta.workers), '--quiet'],
    { encoding: 'utf8' },
  );
  const wallSeconds = Date.now() / 1000 - launch;
  if (res.status !== 0)
    throw new Error(`main-job: tfjs-tune run exited ${res.status}: ${(res.stderr || res.stdout).slice(-400)}`);
  const storage = new SqliteStorage(db);
  try {
    const studyId = await storage.getStudyIdByName(String(raw['study']));
    const trials = await storage.getAllTrials(studyId);
    return { side: 'ours', ...meta, wallSeconds, trials: trials.map((t) => toRecord(t, launch)) };
  } finally {
    await storage.close();
  }
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { RUN_RECORD_KEY } from '../../src/cli/run/run-record';
import {
  PBT_START_STATE_KEY,
  jobRecordOf,
  wasInterruptedPBT,
  type PBTJobRecord,
} from '../../src/schedulers/pbt/job-record';
import { lineageOf } from '../../src/schedulers/pbt/stored-lineage';
import { DISCARDED_KEY } from '../../src/schedulers/slot-claims';
import { launch, peek, processOf, writeMlpConfig } from './worker-scenarios';

// `tfjs-tune run` of a small synchronous PBT config and one `tfjs-tune worker` on the same study,
// as separate processes (worker-pbt*.test.ts run it on SQLite and PostgreSQL).

const POPULATION = 4;
const EPOCHS = 4;

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls the study (every 50 ms, up to a minute) until `until` holds for its trials; returns them. */
async function pollUntil(storage: string, until: (ts: tune.FrozenTrial[]) => boolean): Promise<tune.FrozenTrial[]> {
  for (let i = 0; i < 1200; i++) {
    const trials = await peek(storage);
    if (trials !== null && until(trials)) return trials;
    await wait(50);
  }
  throw new Error('the study never got there');
}

/** Whether the run has stored the record a worker joins by (its config, checkpoint folder, heartbeat). */
async function hasRunRecord(storage: string): Promise<boolean> {
  if (storage.startsWith('sqlite:') && !existsSync(storage.slice('sqlite:'.length))) return false;
  const s = await tune
    .loadStudy({ studyName: 'a', storage, logger: tune.logging.silentLogger, heartbeatInterval: 0 })
    .catch(() => null);
  const has = s !== null && s.systemAttrs[RUN_RECORD_KEY] !== undefined;
  await s?.storage.close();
  return has;
}

const recordOf = (t: tune.FrozenTrial): PBTJobRecord => jobRecordOf(t) as PBTJobRecord;

/**
 * The run trains the first round alone (the worker is held stopped meanwhile), then is held stopped
 * itself in its first job of the second round while the worker takes the round's other jobs: at the
 * barrier half the population exploits the other half (quantileFraction 0.5), so at least one of
 * the worker's jobs copies a state only the run trained, which it can get from the shared
 * checkpoint folder alone. Then both go on to the end. Checks that together they ran the study to
 * its budget, each member's interval once, the lineage intact, and that every state crossing
 * between the processes was loaded from its checkpoint.
 */
/** A population of 4 tiny MLPs, ready every epoch, half exploiting the other half. */
function writePBTConfig(dir: string, synch: boolean): string {
  return writeMlpConfig(
    join(dir, 'pbt.json'),
    { n: 2400, batchSize: 16 },
    {
      epochs: EPOCHS,
      scheduler: {
        type: 'pbt',
        populationSize: POPULATION,
        perturbationInterval: 1,
        quantileFraction: 0.5,
        synch,
        hyperparamMutations: ['learning_rate'],
      },
    },
  );
}

/** Starts `tfjs-tune run CFG` (one process, in-process members) and, once it has stored its record, a worker. */
async function runThenWorker(cfg: string, storage: string, dir: string) {
  const ckpt = join(dir, 'shared');
  // Heartbeats far apart: a process held stopped (SIGSTOP) on a loaded machine must not have its
  // trial failed as dead by the other meanwhile.
  const run = launch([
    'run',
    cfg,
    '--storage',
    storage,
    '--checkpoints',
    ckpt,
    '--workers',
    '1',
    '--heartbeat',
    '300',
    '--json',
    '--quiet',
  ]);
  for (let i = 0; i < 1200 && !(await hasRunRecord(storage)); i++) await wait(50);
  const worker = launch(['worker', '--storage', storage, '--study', 'a', '--workers', '1']);
  return { run, worker };
}

export async function runAndWorkerOnPBT(storage: string, dir: string): Promise<void> {
  const cfg = writePBTConfig(dir, true);
  const { run, worker } = await runThenWorker(cfg, storage, dir);
  try {
    worker.child.kill('SIGSTOP');
    const runProcess = processOf((await pollUntil(storage, (ts) => ts[0]?.systemAttrs['owner'] !== undefined))[0]!);
    // The run alone until it is in the second round.
    await pollUntil(storage, (ts) =>
      ts.some((t) => t.state === 'RUNNING' && recordOf(t).fromEpoch === 1 && processOf(t) === runProcess),
    );
    run.child.kill('SIGSTOP');
    worker.child.kill('SIGCONT');
    // The worker takes the round's other jobs while the run holds its one.
    await pollUntil(
      storage,
      (ts) => ts.filter((t) => t.state === 'COMPLETE' && recordOf(t).fromEpoch === 1).length === POPULATION - 1,
    );
    run.child.kill('SIGCONT');
  } catch (e) {
    run.child.kill('SIGKILL');
    worker.child.kill('SIGKILL');
    throw e;
  }
  const [ran, worked] = await Promise.all([run.done, worker.done]);
  expect([ran.code, ran.err]).toEqual([0, '']);
  expect(worked.code).toBe(0);
  expect(worked.err).toMatch(/done: PBT study "a"/);

  const study = await tune.loadStudy({
    studyName: 'a',
    storage,
    logger: tune.logging.silentLogger,
    heartbeatInterval: 0,
  });
  const trials = study.trials;
  await study.storage.close();
  // Nothing left over, nothing failed but duplicates discarded untrained.
  const discarded = trials.filter((t) => t.systemAttrs[DISCARDED_KEY] === true);
  expect(discarded.every((t) => t.state === 'FAIL' && t.intermediateValues.size === 0)).toBe(true);
  const complete = trials.filter((t) => t.state === 'COMPLETE');
  expect(complete.length + discarded.length).toBe(trials.length);
  // Synchronous: every member trained every interval, each exactly once.
  expect(complete).toHaveLength(POPULATION * EPOCHS);
  const jobs = complete.map((t) => `${recordOf(t).member}:${recordOf(t).fromEpoch}`);
  expect(new Set(jobs).size).toBe(jobs.length);
  // Lineage intact: each interval starts where its `from` trial ended, an exploit from its donor's.
  for (const t of complete) {
    const r = recordOf(t);
    if (r.from === null) {
      expect(r.fromEpoch).toBe(0);
      continue;
    }
    const from = trials[r.from] as tune.FrozenTrial;
    expect([from.state, recordOf(from).toEpoch]).toEqual(['COMPLETE', r.fromEpoch]);
    expect(recordOf(from).member).toBe(r.exploit?.donor ?? r.member);
  }
  expect(lineageOf(trials).length).toBeGreaterThan(0);
  // Both trained; every state that crossed between them came from its checkpoint, an exploit among them.
  expect(new Set(complete.map(processOf)).size).toBe(2);
  const crossed = complete.filter((t) => {
    const from = recordOf(t).from;
    return from !== null && processOf(trials[from] as tune.FrozenTrial) !== processOf(t);
  });
  expect(crossed.map((t) => t.systemAttrs[PBT_START_STATE_KEY])).toEqual(crossed.map(() => 'checkpoint'));
  expect(crossed.some((t) => recordOf(t).start === 'exploit')).toBe(true);

  // Synchronous decisions read only what every process sees alike, and a state loaded from its
  // checkpoint is the state itself: the shared study is the one a single process makes of the seed.
  const refStorage = `sqlite:${join(dir, 'one-process.db')}`;
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  const args = ['run', cfg, '--storage', refStorage, '--checkpoints', join(dir, 'own'), '--workers', '1', '--quiet'];
  expect(await main(args, quiet)).toBe(0);
  const ref = await tune.loadStudy({ studyName: 'a', storage: refStorage, logger: tune.logging.silentLogger });
  const byJob = (ts: readonly tune.FrozenTrial[]) =>
    ts
      .filter((t) => t.state === 'COMPLETE')
      .map((t) => ({ job: `${recordOf(t).member}:${recordOf(t).fromEpoch}`, params: t.params, value: t.value }))
      .sort((a, b) => a.job.localeCompare(b.job));
  expect(byJob(complete)).toEqual(byJob(ref.trials));
  await ref.storage.close();
}

/**
 * An asynchronous study: the worker gets Ctrl-C while it trains an interval (held stopped until
 * the signal is sent, so the interval is sure to be running). It marks that interval FAIL as
 * interrupted and exits 130; the run finishes the study alone, that job run again under a key of
 * its own, each member's interval still once.
 */
export async function workerInterruptedOnPBT(storage: string, dir: string): Promise<void> {
  const { run, worker } = await runThenWorker(writePBTConfig(dir, false), storage, dir);
  let interrupted: tune.FrozenTrial | undefined;
  try {
    const runProcess = processOf((await pollUntil(storage, (ts) => ts[0]?.systemAttrs['owner'] !== undefined))[0]!);
    // The run waits while the worker starts, or it could finish the small study alone first.
    run.child.kill('SIGSTOP');
    const workerRunning = (ts: tune.FrozenTrial[]) =>
      ts.find((t) => t.state === 'RUNNING' && t.systemAttrs['owner'] !== undefined && processOf(t) !== runProcess);
    while (interrupted === undefined) {
      const seen = workerRunning(await pollUntil(storage, (ts) => workerRunning(ts) !== undefined))!;
      worker.child.kill('SIGSTOP');
      if ((await peek(storage))?.[seen.number]?.state === 'RUNNING') interrupted = seen;
      else worker.child.kill('SIGCONT'); // it ended meanwhile: catch the next one
    }
    run.child.kill('SIGCONT');
    worker.child.kill('SIGINT');
    worker.child.kill('SIGCONT');
  } catch (e) {
    run.child.kill('SIGKILL');
    worker.child.kill('SIGKILL');
    throw e;
  }
  const [ran, worked] = await Promise.all([run.done, worker.done]);
  expect([ran.code, ran.err]).toEqual([0, '']);
  expect(worked.code).toBe(130);
  expect(worked.err).toContain(`interrupted: trial(s) ${interrupted.number} marked FAIL; their jobs run again`);

  const study = await tune.loadStudy({
    studyName: 'a',
    storage,
    logger: tune.logging.silentLogger,
    heartbeatInterval: 0,
  });
  const trials = study.trials;
  await study.storage.close();
  const stopped = trials[interrupted.number] as tune.FrozenTrial;
  expect([stopped.state, stopped.failReason]).toEqual(['FAIL', 'interrupted (Ctrl-C)']);
  // Its job ran again, unchanged, as a trial that follows it.
  const again = trials.filter((t) => jobRecordOf(t)?.follows === stopped.number);
  expect(again.map((t) => [t.state, { ...recordOf(t), follows: null }])).toEqual([
    ['COMPLETE', { ...recordOf(stopped), follows: null }],
  ]);
  // Nothing else failed (duplicates aside), nothing left waiting, each member's interval once, to the end.
  expect(trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
  const failed = trials.filter((t) => t.state === 'FAIL');
  expect(failed.every((t) => t.systemAttrs[DISCARDED_KEY] === true || wasInterruptedPBT(t))).toBe(true);
  const complete = trials.filter((t) => t.state === 'COMPLETE');
  const jobs = complete.map((t) => `${recordOf(t).member}:${recordOf(t).fromEpoch}`);
  expect(new Set(jobs).size).toBe(jobs.length);
  for (let m = 0; m < POPULATION; m++)
    expect(Math.max(...complete.filter((t) => recordOf(t).member === m).map((t) => recordOf(t).toEpoch))).toBe(EPOCHS);
}

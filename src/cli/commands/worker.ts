import { cpus } from 'node:os';
import { extname, join } from 'node:path';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { WorkerPool, type WorkerPoolOptions } from '../../execution/worker-pool';
import { ASHA_MAX_TRIALS_KEY } from '../../schedulers/asha';
import { redactStorageUrl } from '../../storage/postgres-url';
import { loadStudy } from '../../study/create-study';
import type { Study } from '../../study/study';
import { silentLogger } from '../../util/logger';
import { flagBool, flagInt, flagString, parseArgs } from '../args';
import { prepareConfiguredData, type PreparedData } from '../config/resolve';
import type { CliIo } from '../io';
import type { WorkerMessage } from '../run/protocol';
import { checkCheckpointDir, readRunRecord, type RunRecord } from '../run/run-record';
import { runSchedule } from '../run/run-schedule';

const TRIAL_WORKER = join(__dirname, '..', 'run', `trial-worker${extname(__filename)}`);

export const workerHelp = `Usage: tfjs-tune worker --storage URL --study NAME [options]

Joins a study that \`tfjs-tune run CONFIG --storage URL\` created (it stored its resolved config in
the study) and trains its trials in local worker threads until the study holds its budget of
COMPLETE trials. Start one on every machine that should help; all of them share the storage.
  --storage URL        the shared storage, e.g. postgres://tune@db.lan:5432/studies (required)
  --study NAME         the study to join (required)
  --workers N          trials trained at once here; default: the number of cores
  --quiet              no progress output
Heartbeats follow the run's --heartbeat: a trial of a machine that died is failed by the others
after 3 intervals without one, and made up.
Ctrl-C stops cleanly: the trials running here are marked FAIL and run again elsewhere (without a
scheduler: re-queued with the same parameters; under a scheduler: their jobs as new trials), so
another worker (or the next start of this one) runs them; nothing else is lost.
Hyperband, BOHB and ASHA studies: the worker runs the same scheduler as the run, deciding jobs
from the stored trials and claiming each from storage (no job runs twice), and ends when the
schedule is done; promotions reload checkpoints other machines wrote to the study's shared
--checkpoints folder.
PBT and PB2 studies: the worker runs the study's PBT (or PB2) scheduler with the run's settings,
training members' intervals (threads: at most the population) and ending when every member has
trained the run's epochs or was given up after repeated failures. Each interval runs once, wherever it was decided; an exploit or a
continuation of a state trained on another machine loads it from the shared --checkpoints folder,
and fails, naming the missing checkpoint, rather than train from scratch.
`;

const POLL_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Counts {
  complete: number;
  failed: number;
  total: number;
}

function count(study: Study): Counts {
  const trials = study.trials;
  return {
    complete: trials.filter((t) => t.state === 'COMPLETE').length,
    failed: trials.filter((t) => t.state === 'FAIL').length,
    total: trials.length,
  };
}

/** Re-queues the trials an interrupt failed, with their parameters (as `retryFailedTrialCallback` does). */
async function requeue(study: Study, numbers: readonly number[]): Promise<void> {
  await study.refresh();
  for (const n of numbers) {
    const t = study.trials[n];
    if (t === undefined || t.state !== 'FAIL') continue;
    await study.storage.createTrial(study.studyId, {
      state: 'WAITING',
      systemAttrs: { fixed_params: { ...t.params }, retried_from: t.number, retry_history: [t.number] },
    });
  }
}

export async function workerCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, study: true, workers: true, quiet: false });
  const storageUrl = flagString(args, 'storage');
  const studyName = flagString(args, 'study');
  if (storageUrl === undefined) throw new InvalidArgumentError('--storage', null, 'the URL of the shared storage');
  if (studyName === undefined) throw new InvalidArgumentError('--study', null, 'the name of the study to join');
  const quiet = flagBool(args, 'quiet');
  if (storageUrl === 'memory' || storageUrl === ':memory:') {
    throw new InvalidArgumentError('--storage', storageUrl, 'a shared storage (postgres://... or sqlite:PATH)');
  }
  // Heartbeats as the run that made the study chose them: read the record first, beating not at all.
  const probe = await loadStudy({ studyName, storage: storageUrl, logger: silentLogger, heartbeatInterval: 0 });
  let record: RunRecord;
  try {
    record = readRunRecord(probe, studyName);
  } finally {
    await probe.storage.close();
  }
  const heartbeat = record.heartbeatInterval;
  const study = await loadStudy({ studyName, storage: storageUrl, logger: silentLogger, heartbeatInterval: heartbeat });
  try {
    const config = { ...record.config, storage: storageUrl };
    checkSharedCheckpoints(record, study);
    const asked = flagInt(args, 'workers', 1) ?? Math.max(1, cpus().length);
    // More threads than members would only idle.
    const workers = config.pbt === null ? asked : Math.min(asked, config.pbt.populationSize);
    // The same parts and the same encoding as the run's: both are deterministic in the config and its seed.
    const prepared = await prepareConfiguredData(config.dataset, config.seed, quiet ? silentLogger : undefined);
    const say = (text: string): void => {
      if (!quiet) io.stderr(text);
    };
    say(`worker: study "${studyName}" in ${redactStorageUrl(storageUrl)}, ${workers} thread(s)\n`);
    const options = { workers, heartbeat, prepared, say };
    if (config.pbt !== null || config.scheduler.type !== 'none') {
      if (config.scheduler.type === 'asha') await awaitASHALimit(study);
      return await workSchedule(study, { ...record, config }, options);
    }
    return await work(study, { ...record, config }, options);
  } finally {
    await study.storage.close();
  }
}

/** The study's schedule in words: PBT, PB2, ASHA or Hyperband (BOHB's). */
function scheduleKind(config: RunRecord['config']): string {
  if (config.pbt !== null) return config.pbt.type.toUpperCase();
  return config.scheduler.type === 'asha' ? 'ASHA' : 'Hyperband';
}

/**
 * The study's checkpoint folder must be the shared one (`checkCheckpointDir`). Under a scheduler it is also
 * where a promotion finds its parent's model, trained on whichever machine: without it a worker could
 * only fail its promotions, so the refusal says so.
 */
function checkSharedCheckpoints(record: RunRecord, study: Study): void {
  try {
    checkCheckpointDir(record.checkpointDir, study);
  } catch (e) {
    const { pbt, scheduler } = record.config;
    if ((pbt === null && scheduler.type === 'none') || !(e instanceof TfjsTuneError)) throw e;
    const uses =
      pbt !== null
        ? "study's exploits and continuations load the member states"
        : "study's promotions continue the checkpoints";
    throw new TfjsTuneError(`${e.message} (a ${scheduleKind(record.config)} ${uses} that other machines wrote there)`);
  }
}

interface WorkOptions {
  workers: number;
  heartbeat: number;
  prepared: PreparedData;
  say: (text: string) => void;
}

/** The worker threads' pool: the run's config, data and checkpoints; a line per finished trial. */
function poolOptionsFor(
  study: Study,
  record: RunRecord,
  options: WorkOptions,
  maxTrialsInStudy: number | null,
): WorkerPoolOptions {
  return {
    entry: TRIAL_WORKER,
    workerData: {
      config: record.config,
      data: options.prepared.data,
      preprocessor: options.prepared.preprocessor,
      maxTrialsInStudy,
      deadline: null,
      checkpointDir: record.checkpointDir,
      heartbeatInterval: options.heartbeat,
    },
    storage: study.storage,
    studyId: study.studyId,
    onMessage: (m) => {
      const message = m as WorkerMessage;
      if (message.type === 'trial-end')
        options.say(
          `trial ${message.number} ${message.state}${message.epochs === undefined ? '' : ` (${message.epochs} epochs)`}${message.value === null ? '' : ` ${message.value}`}\n`,
        );
    },
  };
}

/**
 * Rounds of the worker pool until the budget is met. A round may add trials up to
 * `budget + failed` (failed trials do not count toward the budget), which the storage enforces
 * atomically across every machine; when the study is full but not done (other machines are
 * running the last trials), the worker waits and looks again, so a trial failed by a dead
 * machine's missing heartbeat is made up here.
 */
async function work(study: Study, record: RunRecord, options: WorkOptions): Promise<number> {
  let pool: WorkerPool | null = null;
  let interrupted = false;
  let interruption: Promise<void> = Promise.resolve();
  const onSigint = (): void => {
    interrupted = true;
    interruption = (pool?.interrupt('interrupted (Ctrl-C)') ?? Promise.resolve([])).then(async (failed) => {
      await requeue(study, failed);
      if (failed.length > 0) options.say(`\ninterrupted: trial(s) ${failed.join(', ')} marked FAIL and re-queued\n`);
    });
  };
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      await study.failStaleTrialsIfDue();
      await study.refresh();
      const c = count(study);
      if (interrupted) break;
      if (record.budget !== null && c.complete >= record.budget) break;
      const cap = record.budget === null ? null : record.budget + c.failed;
      const waiting = study.trials.some((t) => t.state === 'WAITING');
      if (cap !== null && c.total >= cap && !waiting) {
        await sleep(POLL_MS); // the rest is running elsewhere
        continue;
      }
      const room = cap === null ? options.workers : Math.max(1, cap - c.total);
      pool = new WorkerPool(poolOptionsFor(study, record, options, cap));
      await pool.run(Math.min(options.workers, room));
      pool = null;
      if (record.budget === null && !interrupted) break;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  await interruption;
  return ending(study, interrupted, options, (c) => `${c.complete} COMPLETE of ${record.budget ?? 'no'} budget`);
}

/**
 * The run stores its ASHA limit of new configurations as its scheduler starts, moments after it
 * recorded the config this worker read: a worker started at once waits for it (up to 30 s; after
 * that the scheduler refuses the study, naming the attribute).
 */
async function awaitASHALimit(study: Study): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 200) {
    const attrs = (await study.storage.getStudy(study.studyId)).systemAttrs;
    if (attrs[ASHA_MAX_TRIALS_KEY] !== undefined) return;
    await sleep(200);
  }
}

/**
 * A Hyperband, BOHB, ASHA, PBT or PB2 study: the same scheduler loop as the run's (`runSchedule`,
 * joining), on this machine's worker threads. Jobs are decided from the stored trials and claimed
 * from storage, so this worker, the run and any other worker never train the same job twice; ends
 * when the study's schedule is done (PBT: every member at the run's epochs). Ctrl-C fails the jobs
 * running here as interrupted, and they run again (here on the next start, or by another process,
 * which also takes the jobs this one had made but not started).
 */
async function workSchedule(study: Study, record: RunRecord, options: WorkOptions): Promise<number> {
  let pool: WorkerPool | null = null;
  let interrupted = false;
  let interruption: Promise<void> = Promise.resolve();
  const onSigint = (): void => {
    interrupted = true;
    study.stop();
    // The reason marks the jobs as interrupted (`wasInterrupted`): they run again.
    interruption = (pool?.interrupt('interrupted (Ctrl-C)') ?? Promise.resolve([])).then((failed) => {
      if (failed.length > 0)
        options.say(`\ninterrupted: trial(s) ${failed.join(', ')} marked FAIL; their jobs run again\n`);
    });
  };
  const poolOptions = poolOptionsFor(study, record, options, null);
  process.once('SIGINT', onSigint);
  try {
    await runSchedule(study, record.config, {
      workers: options.workers,
      deadline: null,
      checkpointDir: record.checkpointDir,
      pool: poolOptions,
      onPool: (p) => (pool = p),
      joining: true,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  await interruption;
  return ending(study, interrupted, options, (c) => `${c.complete} COMPLETE trials`, `${scheduleKind(record.config)} `);
}

/** The worker's last line, from the study as it now stands; the exit code (130 after Ctrl-C). */
async function ending(
  study: Study,
  interrupted: boolean,
  options: WorkOptions,
  holds: (c: Counts) => string,
  kind = '',
): Promise<number> {
  await study.refresh();
  const c = count(study);
  options.say(
    `${interrupted ? 'interrupted' : 'done'}: ${kind}study "${study.studyName}" holds ${holds(c)} (${c.total} trials)\n`,
  );
  return interrupted ? 130 : 0;
}

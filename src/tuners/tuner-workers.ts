import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import { InvalidArgumentError } from '../errors';
import { runSchedulerOnWorkers } from '../execution/pool-executor';
import { serveJobs } from '../execution/serve-jobs';
import { WorkerPool, type WorkerPoolOptions } from '../execution/worker-pool';
import type { RunSchedulerOptions } from '../schedulers/run-scheduler';
import type { JobTrainer, Scheduler } from '../schedulers/scheduler';
import type { Storage } from '../storage/base';
import type { Study } from '../study/study';

// A tuner's `workers`, as KerasTuner's distributed tuning does it: the same script runs in every
// worker (here: worker threads, each with its own tfjs backend, since wasm is single-threaded in
// Node). The script's main thread is the chief: it owns the study and, for the epoch-budget tuners,
// the scheduler. In a worker thread the same `search()` call serves the chief instead — it runs
// trials (define-by-run tuners) or the jobs it is sent (Hyperband, ASHA, BOHB, PBT, PB2) on the
// shared study — and then ends the thread, so code after `search()` runs in the chief only. The
// script re-creates its own data and model builder in every worker: nothing but buffers of states
// crosses threads.

/** What a chief puts in its workers' `workerData`. */
interface TunerWorkerData {
  readonly tfjsTuneTunerWorker: true;
  /** The study the worker serves: another tuner's search in the same script is skipped there. */
  readonly studyName: string;
  /** Define-by-run tuners: the study stops growing at this many trials. */
  readonly maxTrialsInStudy: number | null;
  readonly ownerTag: string;
}

/** This thread's part in a tuner search: the chief (main thread, or an unrelated worker), or a worker of study `studyName`. */
export type TunerWorkerRole =
  | { readonly kind: 'chief' }
  | { readonly kind: 'worker'; readonly data: TunerWorkerData }
  /** A worker thread of another study's search in the same script: this search does nothing here. */
  | { readonly kind: 'skip' };

export function tunerWorkerRole(studyName: string): TunerWorkerRole {
  const data = isMainThread ? undefined : (workerData as Partial<TunerWorkerData> | undefined);
  if (data?.tfjsTuneTunerWorker !== true) return { kind: 'chief' };
  return data.studyName === studyName ? { kind: 'worker', data: data as TunerWorkerData } : { kind: 'skip' };
}

/** Checks a tuner's `workers` option; returns how many threads train (1: this thread alone). */
export function checkWorkers(workers: unknown, storage: unknown): number {
  if (workers === undefined) return 1;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1)
    throw new InvalidArgumentError('workers', workers, 'an integer >= 1 (worker threads that train trials)');
  if (workers > 1 && (typeof storage !== 'string' || !/^sqlite:/.test(storage)))
    throw new InvalidArgumentError(
      'storage',
      typeof storage === 'string' ? storage : storage === undefined ? 'in memory (the default)' : 'a Storage object',
      'a sqlite: URL such as sqlite:./tuner.db with workers > 1 (the worker threads share the study through it)',
    );
  return workers;
}

/** The script every worker runs: the option, else the script this process was started with. */
export function workerScriptOf(option: string | undefined): string {
  const script = option ?? require.main?.filename ?? process.argv[1];
  if (script === undefined)
    throw new InvalidArgumentError('workerScript', script, 'the path of the script that creates this tuner');
  return script;
}

export interface ChiefOptions {
  readonly study: Study;
  readonly storage: Storage;
  readonly workers: number;
  readonly script: string;
  /** Define-by-run tuners: the study's trial budget (workers claim trials until it is full). */
  readonly maxTrialsInStudy?: number;
}

function poolOptions(o: ChiefOptions): WorkerPoolOptions {
  return {
    entry: o.script,
    workerData: {
      tfjsTuneTunerWorker: true,
      studyName: o.study.studyName,
      maxTrialsInStudy: o.maxTrialsInStudy ?? null,
    },
    storage: o.storage,
    studyId: o.study.studyId,
    // The script sees the arguments it was started with, in every thread.
    argv: process.argv.slice(2),
  };
}

/** Define-by-run tuners: `workers` threads run trials on the shared study until it holds its budget. */
export async function runTrialsOnWorkers(o: ChiefOptions): Promise<void> {
  await new WorkerPool(poolOptions(o)).run(o.workers);
  await o.study.refresh();
}

/** Epoch-budget tuners: the scheduler runs here, its jobs on `workers` threads. */
export async function runJobsOnWorkers(
  o: ChiefOptions,
  scheduler: Scheduler,
  options: RunSchedulerOptions = {},
): Promise<void> {
  await runSchedulerOnWorkers(o.study, scheduler, poolOptions(o), { ...options, workers: o.workers });
}

/** A worker's part of a define-by-run search: runs trials until the study is full, then ends the thread. */
export async function serveTrialsAndExit(
  study: Study,
  role: Extract<TunerWorkerRole, { kind: 'worker' }>,
  runTrial: Parameters<Study['optimize']>[0],
): Promise<never> {
  study.setOwnerTag(role.data.ownerTag);
  await study.optimize(runTrial, {
    ...(role.data.maxTrialsInStudy !== null ? { maxTrialsInStudy: role.data.maxTrialsInStudy } : {}),
  });
  return endWorker(study);
}

/** A worker's part of an epoch-budget search: serves the chief's jobs until told to stop, then ends the thread. */
export async function serveJobsAndExit(
  study: Study,
  role: Extract<TunerWorkerRole, { kind: 'worker' }>,
  trainer: JobTrainer,
): Promise<never> {
  study.setOwnerTag(role.data.ownerTag);
  await serveJobs(study, trainer);
  return endWorker(study);
}

async function endWorker(study: Study): Promise<never> {
  await study.storage.close();
  parentPort?.postMessage({ type: 'done' });
  // Never settles: the script's code after search() (reading results, saving models) runs in the
  // chief only, and the thread ends once nothing else keeps it alive.
  return new Promise<never>(() => undefined);
}

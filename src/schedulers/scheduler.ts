import type { Study } from '../study/study';
import type { Trial } from '../study/trial';
import type { JsonValue } from '../trial/json';

// The scheduler contract, in Ray Tune's sense (TrialScheduler), over a study. A scheduler owns the
// loop of an epoch-budget search: it hands out jobs (train a configuration from epoch a to epoch b,
// starting fresh, from where a trial of its own ended, or from another member's state — PBT's
// exploit) and answers every result a running job reports with continue, pause or stop. Optuna-style
// pruners (src/pruners/) stay what they are: stop-only verdicts for define-by-run objectives.
//
// Every job is recorded as one study trial, created WAITING by the scheduler with its bookkeeping in
// the trial's system attributes, so any process can rebuild the scheduler's state from storage
// (`prepare`) and a search killed mid-run resumes. Executors (src/execution/: in-process, the
// worker-thread pool) run jobs; they know nothing of Hyperband, ASHA or PBT. `runScheduler`
// (run-scheduler.ts) is the one loop between the two.

/** The answer to a reported result: train on, end the job here keeping its state, or end it as pruned. */
export type Decision = 'continue' | 'pause' | 'stop';

/**
 * Where a job's training starts. `continue` and `exploit` both start from the state that trial
 * `from` ended with (its checkpoint, or a live state the executor holds); they differ only in what
 * the lineage says: a promotion or a PBT member going on, versus a copy of another member.
 */
export type JobStart =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'continue'; readonly from: number }
  | { readonly kind: 'exploit'; readonly from: number };

/** One unit of training a scheduler hands out. */
export interface Job {
  /** The WAITING trial that records this job (its params are the configuration to train). */
  readonly trialNumber: number;
  /** Epochs the starting state has already trained (0 when fresh). */
  readonly fromEpoch: number;
  /** The epoch the job trains to, unless a decision ends it earlier. */
  readonly toEpoch: number;
  readonly start: JobStart;
}

/** One reported result: the score after `epoch` epochs, in the study's objective. */
export interface JobResult {
  readonly epoch: number;
  readonly value: number;
}

/** How a job ended, as its trial was told. */
export type JobOutcome =
  | { readonly state: 'COMPLETE'; readonly epoch: number; readonly value: number }
  | { readonly state: 'PRUNED'; readonly epoch: number }
  | { readonly state: 'FAIL'; readonly reason: string };

export interface Scheduler {
  /** For logs and errors: 'hyperband', 'asha', 'pbt', 'pb2'. */
  readonly name: string;
  /**
   * Rebuilds the scheduler's state from the study (its trials' system attributes), so a search
   * reloaded from storage goes on where it was; fails the trials a dead process left RUNNING and
   * schedules their work again. Throws (naming the field) when the study was made by another scheduler or other settings.
   */
  prepare(study: Study): Promise<void>;
  /**
   * The next job: creates its WAITING trial and returns it; null when no job can start now (one may
   * once a running job ends); 'done' when the search is over (no job will ever come again).
   */
  nextJob(study: Study): Promise<Job | null | 'done'>;
  /** Every result a running job reports, in the process that runs the scheduler. */
  onResult(job: Job, result: JobResult): Decision;
  /** A job ended and its trial was told. */
  onJobEnd(job: Job, outcome: JobOutcome): Promise<void>;
  /**
   * States no future job will start from: trial numbers whose saved state (checkpoint file, live
   * state held by the executor) may be freed now. Cumulative (every such trial so far, in any order);
   * `runScheduler` asks after every `nextJob` and `onJobEnd` and frees each trial once per run.
   * Results to keep (Hyperband's fully trained models) are never listed.
   */
  releasable(): readonly number[];
}

/**
 * A state as plain buffers plus JSON metadata: what moves between worker threads (the buffers go in
 * the transfer list, no copy) and what a checkpoint writes to disk.
 */
export interface PortableState {
  readonly meta: JsonValue;
  readonly buffers: readonly ArrayBuffer[];
}

/** What a trainer gets for one job. */
export interface JobContext {
  /** The job's trial, claimed (RUNNING); the trainer reports intermediate values on it. */
  readonly trial: Trial;
  readonly job: Job;
  /**
   * The starting state when the executor holds it (the worker pool hands states between threads);
   * undefined when the trainer finds it itself (its own live model in this process, a checkpoint).
   */
  readonly startState?: PortableState;
  /**
   * Reports a result: records it on the trial (`trial.report(value, epoch - 1)`, the fit callbacks'
   * step: the 0-based index of the epoch just trained) and returns the scheduler's decision (a
   * message round trip on a worker thread); 'pause' and 'stop' mean: end training now. A trainer
   * that reports through the trial itself (the slot trainers' `reportToTrial`) may never call it.
   */
  readonly report: (result: JobResult) => Promise<Decision>;
}

/** What a trainer returns: the objective value at the epoch it stopped, and the state it ended with when asked to hand it over. */
export interface JobEnd {
  readonly epoch: number;
  readonly value: number;
  readonly state?: PortableState;
}

/** Trains one job (a zoo model, a custom PBT member, a toy problem). Throwing fails the job's trial. */
export type JobTrainer = (context: JobContext) => Promise<JobEnd>;

/**
 * Runs jobs, in-process or on worker threads; `runScheduler` drives it (the loop is the same for
 * every scheduler and executor). An executor knows nothing of Hyperband, ASHA or PBT.
 */
export interface Executor {
  /** How many jobs may run at once (in-process: 1; the pool: its workers). */
  readonly slots: number;
  /**
   * Runs one job to its end: claims the job's WAITING trial by number, trains it, sends every result
   * the trainer reports to `decide` and its answer back, and tells the trial (COMPLETE with the
   * trainer's value; PRUNED after a 'stop' or a pruner's `TrialPruned`; FAIL when the trainer throws,
   * its value is not finite or its worker crashed). Resolves with the outcome; rejects only when
   * the executor itself cannot go on (every worker crashing).
   */
  runJob(study: Study, job: Job, decide: (result: JobResult) => Decision): Promise<JobOutcome>;
  /** Frees the states it holds for these trials (see {@link Scheduler.releasable}). */
  release?(trialNumbers: readonly number[]): void;
}

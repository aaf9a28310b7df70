import type { Decision, Job, JobOutcome, JobResult, PortableState } from '../schedulers/scheduler';

// The messages between a WorkerPool and its job workers (`serveJobs`). Anything else a worker posts
// (progress for a display) is passed on to the pool's `onMessage` untouched.

/** Parent → worker: run this job (the start state's buffers travel in the transfer list). */
export interface JobMessage {
  readonly type: 'job';
  readonly job: Job;
  readonly startState?: PortableState;
}

/** Parent → worker: the scheduler's answer to the result the job's trainer reported. */
export interface DecisionMessage {
  readonly type: 'decision';
  readonly trialNumber: number;
  readonly decision: Decision;
}

/** From the parent: finish the job in flight, then stop. */
export const STOP_MESSAGE = 'stop';

/** Worker → parent: the worker holds no job and can take one. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Worker → parent: a result to route to the scheduler (a DecisionMessage answers it). */
export interface ResultMessage {
  readonly type: 'result';
  readonly trialNumber: number;
  readonly result: JobResult;
}

/** Worker → parent: the job ended and its trial was told; its state's buffers come transferred. */
export interface JobEndMessage {
  readonly type: 'job-end';
  readonly trialNumber: number;
  readonly outcome: JobOutcome;
  readonly state?: PortableState;
}

/** Worker → parent: the worker's main ended (`done`) or threw (`error`, then it exits). */
export type LifecycleMessage = { readonly type: 'done' } | { readonly type: 'error'; readonly message: string };

export type PoolBoundMessage = ReadyMessage | ResultMessage | JobEndMessage | LifecycleMessage;

/** The buffers of a state, for a `postMessage` transfer list (moved, not copied). */
export function transferList(state: PortableState | undefined): ArrayBuffer[] {
  return state === undefined ? [] : [...new Set(state.buffers)];
}

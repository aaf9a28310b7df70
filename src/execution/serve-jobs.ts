import { parentPort, type MessagePort } from 'node:worker_threads';

import type { Decision, JobTrainer } from '../schedulers/scheduler';
import type { Study } from '../study/study';
import { silentLogger, type Logger } from '../util/logger';
import {
  STOP_MESSAGE,
  transferList,
  type DecisionMessage,
  type JobEndMessage,
  type JobMessage,
  type PoolBoundMessage,
} from './protocol';
import { trainJob, type TrainedJob } from './train-job';

export interface ServeJobsOptions {
  readonly logger?: Logger;
  /** Called after each job's trial was told (a display's trial-end message). */
  readonly onJobEnd?: (ended: TrainedJob) => void;
  /** Default: this worker thread's `parentPort`. */
  readonly port?: MessagePort;
}

/**
 * The worker side of a {@link WorkerPool} job run: says `ready`, and for each job the pool sends
 * claims the job's WAITING trial by number, trains it with `trainer` (every result it reports goes
 * to the parent, and the scheduler's decision comes back), tells the trial, posts the outcome with
 * the state the trainer handed over (its buffers in the transfer list: moved, detached here) and
 * says `ready` again. Resolves on the stop message, after the job in flight. Throws (the pool sees
 * a crash: it fails the trial and starts a fresh worker) when training breaks this worker itself.
 */
export async function serveJobs(study: Study, trainer: JobTrainer, options: ServeJobsOptions = {}): Promise<void> {
  const port = options.port ?? parentPort;
  if (port === null || port === undefined) throw new Error('serveJobs runs in a worker thread');
  const post = (m: PoolBoundMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const logger = options.logger ?? silentLogger;
  const waiting = new Map<number, (decision: Decision) => void>();

  const runOne = async ({ job, startState }: JobMessage): Promise<void> => {
    const trial = await study.askOrNull(undefined, { waitingOnly: true, trialNumber: job.trialNumber });
    if (trial === null) {
      const reason = `trial ${job.trialNumber} is not WAITING: another process took it`;
      post({ type: 'job-end', trialNumber: job.trialNumber, outcome: { state: 'FAIL', reason } });
    } else {
      const decide = (result: { epoch: number; value: number }): Promise<Decision> =>
        new Promise((resolve) => {
          waiting.set(job.trialNumber, resolve);
          post({ type: 'result', trialNumber: job.trialNumber, result });
        });
      const ended = await trainJob(study, trial, job, trainer, decide, logger, startState);
      options.onJobEnd?.(ended);
      const message: JobEndMessage = {
        type: 'job-end',
        trialNumber: job.trialNumber,
        outcome: ended.outcome,
        ...(ended.state !== undefined ? { state: ended.state } : {}),
      };
      post(message, transferList(ended.state));
    }
    post({ type: 'ready' });
  };

  await new Promise<void>((resolve, reject) => {
    let inFlight = Promise.resolve();
    // A listening port keeps the thread alive: let go of it so the worker exits when done (or broken,
    // which the parent sees as a crash: it fails the trial and starts a fresh worker).
    const finish = (error?: unknown): void => {
      port.off('message', onMessage);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(`worker failed: ${JSON.stringify(error)}`));
    };
    const onMessage = (m: unknown): void => {
      if (m === STOP_MESSAGE) {
        void inFlight.then(() => finish());
        return;
      }
      const message = m as JobMessage | DecisionMessage;
      if (message?.type === 'decision') {
        waiting.get(message.trialNumber)?.(message.decision);
        waiting.delete(message.trialNumber);
      } else if (message?.type === 'job') {
        inFlight = inFlight.then(() => runOne(message)).catch(finish);
      }
    };
    port.on('message', onMessage);
    post({ type: 'ready' });
  });
}

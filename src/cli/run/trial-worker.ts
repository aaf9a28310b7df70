/**
 * A worker thread that runs trials of a `tfjs-tune run`: each worker has its own tfjs (wasm is
 * single-threaded in Node, so threads are how a run uses every core) and all of them write to the
 * same study storage.
 */
import { parentPort, workerData } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs';

import { STOP_MESSAGE } from '../../execution/protocol';
import { serveJobs } from '../../execution/serve-jobs';
import { slotJobTrainer } from '../../schedulers/slot-job-trainer';
import { describeBackend, initBackend } from '../../training/backend';
import { objectiveFor } from '../../training/objective-for';
import { slotTrainerFor } from '../../training/slot-trainer';
import { loadStudy } from '../../study/create-study';
import type { Study } from '../../study/study';
import type { Trial } from '../../study/trial';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { slotOf } from '../../trial/hyperband-slot';
import { silentLogger } from '../../util/logger';
import { configuredModel, prunerFor, samplerFor } from '../config/resolve';
import { lrScheduleCallback } from '../config/lr-schedule-block';
import { configuredSpace } from '../config/space';
import { intervalLine, pbtTrainerFor, type PBTRunConfig } from './pbt-job';
import { quietTfjsWarnings } from './preflight';
import type { WorkerJob, WorkerMessage } from './protocol';

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

function postTrialEnd(t: FrozenTrial): void {
  const epochs = slotOf(t)?.epochs;
  post({
    type: 'trial-end',
    number: t.number,
    state: t.state,
    value: t.values?.[0] ?? null,
    failReason: t.failReason,
    ...(epochs !== undefined ? { epochs } : {}),
  });
}

/** Posts each epoch's monitored value so the parent can draw the epoch bar. */
class EpochProgress extends tf.Callback {
  constructor(
    private readonly trialNumber: number,
    private readonly epochs: number,
    private readonly monitor: string,
  ) {
    super();
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const value = logs?.[this.monitor];
    post({
      type: 'epoch',
      number: this.trialNumber,
      epoch: epoch + 1,
      epochs: this.epochs,
      value: typeof value === 'number' ? value : null,
    });
  }
}

async function main(): Promise<void> {
  const job = workerData as WorkerJob;
  const { config } = job;
  quietTfjsWarnings(); // this thread's whole life: its initializer warnings would repeat per trial
  const info = await initBackend();
  post({ type: 'backend', description: describeBackend(info) });
  const study = await loadStudy({
    studyName: config.study,
    storage: config.storage,
    sampler: samplerFor(config),
    pruner: prunerFor(config),
    seed: config.seed,
    logger: silentLogger,
    ...(job.heartbeatInterval !== undefined ? { heartbeatInterval: job.heartbeatInterval } : {}),
  });
  study.setOwnerTag(job.ownerTag);
  try {
    await runTrials(study, job);
  } finally {
    // Also on an error: a network storage's open connections would keep the thread alive.
    await study.storage.close();
  }
}

async function runTrials(study: Study, job: WorkerJob): Promise<void> {
  const { config } = job;
  if (config.pbt !== null) {
    await serveMembers(study, job);
    return;
  }
  if (config.scheduler.type !== 'none') {
    await serveRounds(study, job);
    return;
  }
  const onStop = (m: unknown): void => {
    if (m === STOP_MESSAGE) study.stop();
  };
  parentPort?.on('message', onStop);
  const model = configuredModel(config, job.data);
  const objective = objectiveFor(model, job.data, {
    epochs: config.epochs,
    monitor: config.metric.name,
    // Several objectives: their values at the best epoch of the first (with params / inference_ms).
    ...(config.objectives.length > 1
      ? { metrics: config.objectives.map((m) => ({ name: m.name, direction: m.goal })) }
      : {}),
    space: configuredSpace(model, config),
    checkpointDir: job.checkpointDir,
    ...(job.preprocessor !== undefined ? { preprocessor: job.preprocessor } : {}),
    earlyStopping: config.earlyStopping ?? false,
    callbacks: (trial) => [
      new EpochProgress(trial.number, config.epochs, config.metric.name),
      ...scheduleCallbacks(config, trial),
    ],
  });
  const remaining = job.deadline === null ? undefined : (job.deadline - Date.now()) / 1000;
  if (remaining !== undefined && remaining <= 0) {
    parentPort?.off('message', onStop);
    return;
  }
  try {
    await study.optimize(
      (trial) => {
        post({ type: 'trial-start', number: trial.number, trialId: trial.trialId });
        return objective(trial);
      },
      {
        ...(job.maxTrialsInStudy !== null ? { maxTrialsInStudy: job.maxTrialsInStudy } : {}),
        ...(remaining !== undefined ? { timeout: remaining } : {}),
        callbacks: [(_s, t) => postTrialEnd(t)],
      },
    );
  } finally {
    // A listening port keeps the thread alive: let go of it so the worker exits when done (or failed).
    parentPort?.off('message', onStop);
  }
}

/**
 * Hyperband and ASHA: the parent runs the scheduler and creates the jobs' trials WAITING; this
 * worker serves its jobs (`serveJobs`: claim the job's trial, train it as its slot says — a promoted
 * trial continues its parent's checkpoint — tell it, say `ready`). Ends on the stop message, after
 * the job in flight.
 */
async function serveRounds(study: Study, job: WorkerJob): Promise<void> {
  const { config } = job;
  const model = configuredModel(config, job.data);
  const train = slotJobTrainer(
    slotTrainerFor(model, job.data, {
      monitor: config.metric.name,
      space: configuredSpace(model, config),
      checkpointDir: job.checkpointDir,
      callbacks: (trial, slot) => [
        new EpochProgress(trial.number, slot.epochs, config.metric.name),
        ...scheduleCallbacks(config, trial),
      ],
    }),
  );
  await serveJobs(
    study,
    async (context) => {
      post({ type: 'trial-start', number: context.trial.number, trialId: context.trial.trialId });
      return train(context);
    },
    { onJobEnd: (ended) => postTrialEnd(ended.trial) },
  );
}

/**
 * PBT and PB2: the parent runs the scheduler; this worker keeps live members and trains the
 * intervals it is sent. A job's end state goes back to the parent as transferred buffers, and an
 * exploit's donor state comes with its job the same way (unless this thread holds the member there).
 */
async function serveMembers(study: Study, job: WorkerJob): Promise<void> {
  const config = job.config as PBTRunConfig;
  const trainer = pbtTrainerFor(config, job.data, job.checkpointDir, true);
  try {
    await serveJobs(study, async (context) => {
      const end = await trainer(context);
      post({ type: 'interval', line: intervalLine(context, end, config.metric.name) });
      return end;
    });
  } finally {
    trainer.dispose();
  }
}

main().then(
  () => post({ type: 'done' }),
  (e: unknown) => {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    process.exitCode = 1;
  },
);

/** The config's learning-rate schedule for this trial, over the run's epochs (none: constant). */
function scheduleCallbacks(config: WorkerJob['config'], trial: Trial): tf.Callback[] {
  // A record stored before `lrSchedule` existed has no such key: constant, as it was run.
  const lr = config.lrSchedule ?? null;
  return lr === null ? [] : [lrScheduleCallback(lr, config.epochs, trial.params)];
}

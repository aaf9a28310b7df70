import { randomUUID } from 'node:crypto';

import type { DatasetSplits } from '../../../datasets/types';
import { InvalidArgumentError } from '../../errors';
import { InProcessExecutor } from '../../execution/in-process';
import { runSchedulerOnWorkers } from '../../execution/pool-executor';
import { jobRecordOf } from '../../schedulers/pbt/job-record';
import type { PBTScheduler } from '../../schedulers/pbt/pbt-scheduler';
import { formatLineage, lineageOf, rankFinalTrials, scheduleOfTrial } from '../../schedulers/pbt/stored-lineage';
import { runScheduler } from '../../schedulers/run-scheduler';
import type { JobTrainer } from '../../schedulers/scheduler';
import { dropCheckpoints } from '../../schedulers/slot-study';
import { storageFromUrl } from '../../storage/from-url';
import { redactStorageUrl } from '../../storage/postgres-url';
import type { Study } from '../../study/study';
import { initBackend } from '../../training/backend';
import { formatNumber } from '../../util/format';
import type { CliIo } from '../io';
import { intervalLine, pbtSchedulerFor, pbtTrainerFor, type PBTRunConfig } from './pbt-job';
import type { WorkerMessage } from './protocol';
import { SHARED_POLL_MS } from './run-schedule';

export interface PBTRunOptions {
  readonly config: PBTRunConfig;
  readonly study: Study;
  readonly data: DatasetSplits;
  readonly io: CliIo;
  readonly quiet: boolean;
  readonly json: boolean;
  readonly file: string;
  readonly checkpointDir: string;
  readonly workers: number;
  /** The trial worker script, for `workers` > 1. */
  readonly workerEntry: string;
  /** The study's heartbeat, seconds (the worker threads beat at it too: another machine judges them by it). */
  readonly heartbeatInterval: number;
}

/**
 * `scheduler: { type: pbt | pb2 }` in `tfjs-tune run`: with one worker the population trains in this
 * process (live members, in-memory exploits; a seed repeats the run exactly), with more on worker
 * threads (states move between them as transferred buffers). Each interval is one trial, each job's
 * end state checkpointed beside the study, so `--resume` after a kill goes on. `tfjs-tune worker`s
 * on other machines may join the study (`workPBT`): both ends poll for what the other's results
 * made possible, and a state trained elsewhere is loaded from the shared checkpoint folder.
 * Prints one line per interval, then the best member and its lineage. Returns the exit code.
 */
export async function runPBTConfig(o: PBTRunOptions): Promise<number> {
  const { config, study, io } = o;
  if (config.trials !== null)
    throw new InvalidArgumentError(
      '--trials',
      config.trials,
      'left out with scheduler pbt (populationSize and epochs set the trials)',
    );
  const block = config.pbt;
  const scheduler = pbtSchedulerFor(config);
  // More threads than members would only idle.
  const workers = Math.min(o.workers, block.populationSize);
  const onWorkers = workers > 1;
  if (!o.quiet)
    io.stderr(
      `study "${config.study}" in ${redactStorageUrl(config.storage)}: PBT of ${block.populationSize} ${config.model} models on ${config.dataset.kind}, ${config.epochs} epochs each, ready every ${block.perturbationInterval}, mutating ${block.hyperparamMutations.join(', ')}${block.synch ? ' (synchronous)' : ''}; ${onWorkers ? `${workers} worker threads` : 'members train in this process'}\n`,
    );
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    study.stop(); // after the intervals in flight; --resume goes on
  };
  process.once('SIGINT', onSigint);
  try {
    if (onWorkers) await runOnWorkers(o, scheduler, workers);
    else await runInProcess(o, scheduler);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  await study.refresh();
  const trials = study.trials;
  const best = rankFinalTrials(trials, config.epochs, config.metric.goal)[0];
  const resumeHint = `tfjs-tune run ${o.file} --resume${config.storage === 'sqlite:./tfjs-tune.db' ? '' : ` --storage ${redactStorageUrl(config.storage)}`}`;
  const counts = {
    total: trials.length,
    complete: trials.filter((t) => t.state === 'COMPLETE').length,
    failed: trials.filter((t) => t.state === 'FAIL').length,
  };
  const head = `${interrupted ? 'interrupted' : 'done'}: ${counts.total} trials in study "${config.study}" (${counts.complete} complete, ${counts.failed} failed), ${lineageOf(trials).length} exploits`;
  if (best === undefined) {
    if (o.json) io.stdout(`${JSON.stringify({ study: config.study, interrupted, counts, best: null }, null, 2)}\n`);
    else io.stdout(`${head}\nno member trained to ${config.epochs} epochs yet\nresume with: ${resumeHint}\n`);
    // No complete trial at all is a failed run (every member failed), not an unfinished one.
    return interrupted ? 130 : counts.complete === 0 ? 1 : 0;
  }
  const checkpoint = `${o.checkpointDir}/trial_${best.number}`;
  const schedule = scheduleOfTrial(trials, best.number);
  if (o.json) {
    io.stdout(
      `${JSON.stringify(
        {
          study: config.study,
          storage: redactStorageUrl(config.storage),
          interrupted,
          counts,
          best: {
            number: best.number,
            value: best.value,
            params: best.params,
            checkpoint,
            member: jobRecordOf(best)?.member,
          },
          lineage: schedule.chain.flatMap((t) =>
            jobRecordOf(t)?.exploit ? [{ trial: t.number, ...jobRecordOf(t)?.exploit }] : [],
          ),
          schedule: schedule.segments,
          resume: resumeHint,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const params = Object.entries(best.params)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k}: ${String(v)}`)
      .join('\n');
    io.stdout(
      [
        head,
        `best member ${jobRecordOf(best)?.member ?? '?'} (trial #${best.number}): ${config.metric.name} = ${formatNumber(best.value)}`,
        params,
        `checkpoint: ${checkpoint}`,
        'lineage of the best member:',
        formatLineage(trials, best.number, config.metric.name, block.hyperparamMutations),
        `resume with: ${resumeHint}`,
        '',
      ].join('\n'),
    );
  }
  return interrupted ? 130 : 0;
}

/** One process: live members, exploits copied in memory; one seed repeats the run exactly. */
async function runInProcess(o: PBTRunOptions, scheduler: PBTScheduler): Promise<void> {
  const { config, io } = o;
  const trainer = pbtTrainerFor(config, o.data, o.checkpointDir, false);
  const logged: JobTrainer = async (context) => {
    const end = await trainer(context);
    if (!o.quiet) io.stderr(`${intervalLine(context, end, config.metric.name)}\n`);
    return end;
  };
  await initBackend();
  // Which process trained which interval, as the worker pools' threads record it (a report's timeline).
  o.study.setOwnerTag(`${randomUUID()}/0`);
  try {
    await runScheduler(o.study, scheduler, new InProcessExecutor(logged), {
      onRelease: (n) => trainer.release(n),
      pollInterval: SHARED_POLL_MS,
    });
  } finally {
    trainer.dispose();
  }
}

/**
 * Worker threads: the scheduler stays here; each thread keeps live members and trains the intervals
 * it is handed. An exploit's donor state comes from the thread that ended the donor's interval as
 * transferred buffers (weights, optimiser slots, dropout streams), through this thread, so the
 * recipient starts exactly where the donor stood, whichever thread it is on.
 */
async function runOnWorkers(o: PBTRunOptions, scheduler: PBTScheduler, workers: number): Promise<void> {
  const { config, io } = o;
  let backendShown = false;
  const storage = storageFromUrl(config.storage);
  try {
    await runSchedulerOnWorkers(
      o.study,
      scheduler,
      {
        entry: o.workerEntry,
        workerData: {
          config,
          data: o.data,
          maxTrialsInStudy: null,
          deadline: null,
          checkpointDir: o.checkpointDir,
          heartbeatInterval: o.heartbeatInterval,
        },
        storage,
        studyId: o.study.studyId,
        onMessage: (raw) => {
          const m = raw as WorkerMessage;
          if (o.quiet) return;
          if (m.type === 'interval') io.stderr(`${m.line}\n`);
          if (m.type === 'backend' && !backendShown) {
            backendShown = true;
            io.stderr(`backend: ${m.description}\n`);
          }
        },
      },
      { workers, onRelease: (numbers) => dropCheckpoints(numbers, o.checkpointDir), pollInterval: SHARED_POLL_MS },
    );
  } finally {
    await storage.close();
  }
}

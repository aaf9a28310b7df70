import type { DatasetSplits } from '../../../datasets/types';
import { pb2Explorer } from '../../schedulers/pb2/pb2-explorer';
import { InvalidArgumentError } from '../../errors';
import { InProcessExecutor } from '../../execution/in-process';
import { jobRecordOf } from '../../schedulers/pbt/job-record';
import { PBTScheduler } from '../../schedulers/pbt/pbt-scheduler';
import { spaceDistributions } from '../../schedulers/pbt/space-draw';
import { formatLineage, lineageOf, rankFinalTrials, scheduleOfTrial } from '../../schedulers/pbt/stored-lineage';
import { zooJobTrainer } from '../../schedulers/pbt/zoo-trainer';
import { runScheduler } from '../../schedulers/run-scheduler';
import type { JobTrainer } from '../../schedulers/scheduler';
import type { Distribution } from '../../space/distributions';
import { redactStorageUrl } from '../../storage/postgres-url';
import type { Study } from '../../study/study';
import { initBackend } from '../../training/backend';
import { formatNumber } from '../../util/format';
import { ZOO } from '../config/resolve';
import type { RunConfig } from '../config/schema';
import { configuredSpace } from '../config/space';
import type { CliIo } from '../io';
import type { PBTBlock } from '../config/pbt-block';

export interface PBTRunOptions {
  readonly config: RunConfig & { readonly pbt: PBTBlock };
  readonly study: Study;
  readonly data: DatasetSplits;
  readonly io: CliIo;
  readonly quiet: boolean;
  readonly json: boolean;
  readonly file: string;
  readonly checkpointDir: string;
  readonly workers: number;
}

/**
 * `scheduler: { type: pbt }` in `tfjs-tune run`: the population trains in this process (live members,
 * in-memory exploits; the worker-thread executor joins once it moves PortableStates), each interval
 * one trial, each job's end state checkpointed beside the study, so `--resume` after a kill goes on.
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
  const model = ZOO[config.model];
  const space = configuredSpace(model, config);
  const known = spaceDistributions(space);
  const mutations: Record<string, Distribution> = {};
  for (const name of block.hyperparamMutations) mutations[name] = known[name] as Distribution;
  const scheduler = new PBTScheduler({
    populationSize: block.populationSize,
    perturbationInterval: block.perturbationInterval,
    totalEpochs: config.epochs,
    burnInPeriod: block.burnInPeriod,
    quantileFraction: block.quantileFraction,
    resampleProbability: block.resampleProbability,
    perturbationFactors: block.perturbationFactors,
    synch: block.synch,
    seed: config.seed,
    space,
    hyperparamMutations: mutations,
    ...(block.type === 'pb2'
      ? {
          explorer: pb2Explorer({
            resampleProbability: block.resampleProbability,
            perturbationFactors: block.perturbationFactors,
          }),
        }
      : {}),
  });
  const trainer = zooJobTrainer({
    hyperModel: model,
    data: o.data,
    checkpointDir: o.checkpointDir,
    seed: config.seed,
    metric: config.metric.name as 'val_acc' | 'val_loss',
  });
  const logged: JobTrainer = async (context) => {
    const end = await trainer(context);
    if (!o.quiet) {
      const r = jobRecordOf(context.trial.snapshot());
      const copied = r?.exploit ? `, copied member ${r.exploit.donor} (trial ${r.exploit.donorTrial})` : '';
      io.stderr(
        `trial ${context.trial.number}: member ${r?.member ?? '?'} epochs ${context.job.fromEpoch}-${context.job.toEpoch}${copied}: ${config.metric.name} ${formatNumber(end.value)}\n`,
      );
    }
    return end;
  };
  if (!o.quiet)
    io.stderr(
      `study "${config.study}" in ${redactStorageUrl(config.storage)}: PBT of ${block.populationSize} ${config.model} models on ${config.dataset.kind}, ${config.epochs} epochs each, ready every ${block.perturbationInterval}, mutating ${block.hyperparamMutations.join(', ')}${block.synch ? ' (synchronous)' : ''}; members train in this process${o.workers > 1 ? ` (workers: ${o.workers} applies to the other schedulers)` : ''}\n`,
    );
  await initBackend(); // the other schedulers train in worker threads, which set it up themselves
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    study.stop(); // after the interval in flight; --resume goes on
  };
  process.once('SIGINT', onSigint);
  try {
    await runScheduler(study, scheduler, new InProcessExecutor(logged), { onRelease: (n) => trainer.release(n) });
  } finally {
    process.removeListener('SIGINT', onSigint);
    trainer.dispose();
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
    return interrupted ? 130 : 0;
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

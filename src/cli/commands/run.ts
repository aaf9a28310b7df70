import { cpus } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';

import { InvalidArgumentError } from '../../errors';
import { WorkerPool, type WorkerPoolOptions } from '../../execution/worker-pool';
import { ashaRungs } from '../../schedulers/asha';
import { markInterrupted } from '../../schedulers/slot-study';
import { storageFromUrl } from '../../storage/from-url';
import { createStudy } from '../../study/create-study';
import { silentLogger } from '../../util/logger';
import { formatNumber } from '../../util/format';
import { flagBool, flagInt, flagString, parseArgs } from '../args';
import { loadConfig } from '../config/load-config';
import { ZOO, prepareConfiguredData } from '../config/resolve';
import { refitBest, savePreprocessor } from '../run/refit-best';
import type { RunConfig } from '../config/schema';
import { checkParameterNames } from '../config/space';
import type { CliIo } from '../io';
import { RunDisplay } from '../run/run-display';
import type { WorkerMessage } from '../run/protocol';
import { bestFullyTrained, runSchedule, scheduledTrials } from '../run/run-schedule';

/** The trial worker script beside this command's folder (.ts under ts-jest, .js when built). */
const TRIAL_WORKER = join(__dirname, '..', 'run', `trial-worker${extname(__filename)}`);
import { runPBTConfig } from '../run/run-pbt';

export const runHelp = `Usage: tfjs-tune run CONFIG [options]

Tunes a zoo model on a dataset as the config file (YAML or JSON) says, storing every trial.
  --trials N       trials to add in this run (config: trials)
  --timeout S      stop starting trials after S seconds (config: timeout)
  --storage URL    default sqlite:./tfjs-tune.db (config: storage)
  --seed N         (config: seed)
  --workers N      trials trained at once in worker threads; default: the number of cores
  --resume         add trials to an existing study of the same name
  --quiet          no progress output
  --json           print the result as JSON on stdout (implies --quiet)
Ctrl-C stops cleanly: the running trials are marked FAIL, everything else is kept.
`;

const METRICS_CLASSIFICATION = ['val_acc', 'val_loss', 'acc', 'loss'];
const METRICS_REGRESSION = ['val_loss', 'loss'];

function withFlags(config: RunConfig, args: ReturnType<typeof parseArgs>): RunConfig {
  const trials = flagInt(args, 'trials', 1);
  const seed = flagInt(args, 'seed', 0);
  const workers = flagInt(args, 'workers', 1);
  const timeoutRaw = flagString(args, 'timeout');
  const timeout = timeoutRaw === undefined ? undefined : Number(timeoutRaw);
  if (timeout !== undefined && !(timeout > 0))
    throw new InvalidArgumentError('--timeout', timeoutRaw, 'a number of seconds > 0');
  const storage = flagString(args, 'storage');
  return {
    ...config,
    ...(trials !== undefined ? { trials } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(storage !== undefined ? { storage } : {}),
  };
}

/** `--trials` cannot override what Hyperband's schedule decides (the config's own `trials` is refused on load). */
function checkFlagsAgainstSchedule(config: RunConfig): void {
  if (config.scheduler.type === 'hyperband' && config.trials !== null)
    throw new InvalidArgumentError(
      '--trials',
      config.trials,
      'left out with scheduler hyperband (its schedule sets the trials; raise scheduler.iterations for more)',
    );
}

export async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    trials: true,
    timeout: true,
    storage: true,
    seed: true,
    workers: true,
    resume: false,
    quiet: false,
    json: false,
    verbose: false,
  });
  const file = args.positionals[0];
  if (file === undefined) throw new InvalidArgumentError('CONFIG', null, 'a config file (see examples/*.yaml)');
  let config = withFlags(loadConfig(file), args);
  checkFlagsAgainstSchedule(config);
  const scheduled = config.scheduler.type !== 'none';
  const json = flagBool(args, 'json');
  const quiet = json || flagBool(args, 'quiet');
  const resume = flagBool(args, 'resume');

  // Everything that can be checked is checked before any work starts.
  const model = ZOO[config.model];
  checkParameterNames(model, config);
  const workers = config.workers ?? Math.max(1, cpus().length);
  if (config.storage === 'memory' || config.storage === ':memory:') {
    throw new InvalidArgumentError(
      'storage',
      config.storage,
      'a file storage such as sqlite:./tfjs-tune.db (trials run in worker threads that share it)',
    );
  }
  const prepared = await prepareConfiguredData(config.dataset, config.seed, quiet ? silentLogger : undefined);
  const { data, preprocessor } = prepared;
  if (!config.metricGiven && data.train.numClasses === 0)
    config = { ...config, metric: { name: 'val_loss', goal: 'minimize' } };
  const allowed = data.train.numClasses === 0 ? METRICS_REGRESSION : METRICS_CLASSIFICATION;
  if (!allowed.includes(config.metric.name))
    throw new InvalidArgumentError('metric.name', config.metric.name, `one of ${allowed.join(', ')}`);
  if (config.model === 'lstm' && data.train.vocabulary === undefined) {
    throw new InvalidArgumentError(
      'model',
      config.model,
      'mlp or cnn for a dataset without a vocabulary (lstm needs token ids)',
    );
  }

  const study = await createStudy({
    studyName: config.study,
    storage: config.storage,
    direction: config.metric.goal,
    seed: config.seed,
    loadIfExists: true,
    logger: silentLogger,
  });
  const existing = study.trials.length;
  if (existing > 0 && !resume) {
    await study.storage.close();
    throw new InvalidArgumentError(
      'study',
      config.study,
      `a new study name, or --resume to add trials to the ${existing} already in ${config.storage}`,
    );
  }
  await study.setUserAttr('config', JSON.parse(JSON.stringify(config)) as never);
  // The encoding (fitted on the training part only) and the class list travel with every trial's model.
  await savePreprocessor(study, preprocessor);
  if (config.pbt !== null) {
    const { pbt } = config;
    const code = await runPBTConfig({
      config: { ...config, pbt },
      study,
      data,
      io,
      quiet,
      json,
      file,
      checkpointDir: checkpointDirFor(config),
      workers,
    });
    await study.storage.close();
    return code;
  }
  const target = config.trials === null ? null : existing + config.trials;
  const checkpointDir = checkpointDirFor(config);
  const display = new RunDisplay(io, {
    quiet,
    tty: process.stderr.isTTY === true,
    total: scheduled ? scheduledTrials(config) : config.trials,
    timeout: config.timeout,
    maximize: config.metric.goal === 'maximize',
    metric: config.metric.name,
    fullEpochs: scheduled ? config.epochs : null,
  });
  if (!quiet)
    io.stderr(
      `study "${config.study}" in ${config.storage}: ${config.model} on ${config.dataset.kind}, method ${config.method}${scheduleWords(config)}, ${workers} worker(s)\n`,
    );

  const storage = storageFromUrl(config.storage);
  const deadline = config.timeout === null ? null : Date.now() + config.timeout * 1000;
  const poolOptions: WorkerPoolOptions = {
    entry: TRIAL_WORKER,
    workerData: { config, data, maxTrialsInStudy: scheduled ? null : target, deadline, checkpointDir, preprocessor },
    storage,
    studyId: study.studyId,
    onMessage: (m) => display.handle(m as WorkerMessage),
  };
  let pool: WorkerPool | null = scheduled ? null : new WorkerPool(poolOptions);
  let interrupted = false;
  let interruption: Promise<void> = Promise.resolve();
  const onSigint = (): void => {
    interrupted = true;
    if (scheduled) study.stop();
    interruption = (pool?.interrupt('interrupted (Ctrl-C)') ?? Promise.resolve([])).then(async (failed) => {
      if (scheduled) await markInterrupted(study, failed);
      if (!quiet && failed.length > 0) io.stderr(`\ninterrupted: trial(s) ${failed.join(', ')} marked FAIL\n`);
    });
  };
  process.once('SIGINT', onSigint);
  try {
    if (scheduled)
      await runSchedule(study, config, {
        workers,
        deadline,
        checkpointDir,
        pool: poolOptions,
        onPool: (p) => (pool = p),
      });
    else await (pool as WorkerPool).run(config.trials === null ? workers : Math.min(workers, config.trials));
  } finally {
    process.removeListener('SIGINT', onSigint);
    display.finish();
  }
  await interruption;
  await study.refresh();
  await storage.close();
  if (config.refit && !interrupted) await refitBest(study, config, prepared.raw, { checkpointDir, io, quiet });
  const summary = summarize(study, config, checkpointDir, file, interrupted);
  if (json) io.stdout(`${JSON.stringify(summary.json, null, 2)}\n`);
  else io.stdout(summary.text);
  await study.storage.close();
  return interrupted ? 130 : 0;
}

function scheduleWords(config: RunConfig): string {
  const scheduler = config.scheduler;
  if (scheduler.type === 'hyperband')
    return ` on a Hyperband schedule (max ${config.epochs} epochs, factor ${scheduler.factor})`;
  if (scheduler.type === 'asha')
    return ` on ASHA with promotions (rungs ${ashaRungs(config.epochs, scheduler.factor, scheduler.minEpochs).join(', ')} epochs)`;
  return '';
}

/** Checkpoints live beside the study's SQLite file: `<dir of the db>/tfjs-tune-checkpoints/<study>`. */
function checkpointDirFor(config: RunConfig): string {
  const path = /^sqlite:(?:\/\/)?([^?]+)/.exec(config.storage)?.[1];
  return resolve(join(path === undefined ? '.' : dirname(path), 'tfjs-tune-checkpoints', config.study));
}

function summarize(
  study: Awaited<ReturnType<typeof createStudy>>,
  config: RunConfig,
  checkpointDir: string,
  file: string,
  interrupted: boolean,
): { text: string; json: Record<string, unknown> } {
  const complete = study.getTrials({ states: ['COMPLETE'] });
  const counts = {
    total: study.trials.length,
    complete: complete.length,
    pruned: study.getTrials({ states: ['PRUNED'] }).length,
    failed: study.getTrials({ states: ['FAIL'] }).length,
  };
  const more = config.scheduler.type === 'hyperband' ? '' : ' --trials N';
  const resumeHint = `tfjs-tune run ${file} --resume${more}${config.storage === 'sqlite:./tfjs-tune.db' ? '' : ` --storage ${config.storage}`}`;
  if (complete.length === 0) {
    return {
      text: `no trial completed (${counts.total} trials: ${counts.pruned} pruned, ${counts.failed} failed)\nresume with: ${resumeHint}\n`,
      json: { study: config.study, interrupted, counts, best: null },
    };
  }
  const best = (config.scheduler.type !== 'none' ? bestFullyTrained(study, config) : null) ?? study.bestTrial;
  const checkpoint =
    typeof best.userAttrs['checkpoint'] === 'string'
      ? best.userAttrs['checkpoint']
      : join(checkpointDir, `trial_${best.number}`);
  const params = Object.entries(best.params)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `  ${k}: ${String(v)}`)
    .join('\n');
  const text = [
    `${interrupted ? 'interrupted' : 'done'}: ${counts.total} trials in study "${config.study}" (${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed)`,
    `best trial #${best.number}: ${config.metric.name} = ${formatNumber(best.value)}`,
    params,
    `checkpoint: ${checkpoint}`,
    `resume with: ${resumeHint}`,
    '',
  ].join('\n');
  return {
    text,
    json: {
      study: config.study,
      storage: config.storage,
      interrupted,
      counts,
      best: { number: best.number, value: best.value, params: best.params, checkpoint },
      resume: resumeHint,
    },
  };
}

import { cpus } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';

import type { DatasetSplits } from '../../../datasets/types';
import { AUTO_FAMILIES, dataKindOf } from '../../../models/auto';
import { InvalidArgumentError } from '../../errors';
import { WorkerPool, type WorkerPoolOptions } from '../../execution/worker-pool';
import { ashaRungs } from '../../schedulers/asha';
import { existingStorageFromUrl, storageFromUrl } from '../../storage/from-url';
import { isPostgresUrl, redactStorageUrl } from '../../storage/postgres-url';
import { createStudy } from '../../study/create-study';
import type { Storage } from '../../storage/base';
import type { Study } from '../../study/study';
import { describeBackend, initBackend } from '../../training/backend';
import { silentLogger } from '../../util/logger';
import { checkPositionals, flagBool, flagInt, flagString, parseArgs } from '../args';
import { parseDuration } from '../config/duration';
import { loadConfig } from '../config/load-config';
import { checkObjectiveNames } from '../config/metric-block';
import { configuredModel, prepareConfiguredData } from '../config/resolve';
import { refitBest, savePreprocessor } from '../run/refit-best';
import type { RunConfig } from '../config/schema';
import { checkParameterNames, configuredSpace, gridFromConfig } from '../config/space';
import type { CliIo } from '../io';
import { RunDisplay } from '../run/run-display';
import { markCheckpointDir, recordRun } from '../run/run-record';
import type { WorkerMessage } from '../run/protocol';
import { dryBuild, firstParams } from '../run/dry-build';
import { quietTfjsWarnings, sanityWarnings } from '../run/preflight';
import { runBest, runSchedule, scheduledTrials } from '../run/run-schedule';
import { formatRunEnsemble, runEnsemble } from '../run/run-ensemble';
import { summarize } from '../run/run-summary';

/** The trial worker script beside this command's folder (.ts under ts-jest, .js when built). */
const TRIAL_WORKER = join(__dirname, '..', 'run', `trial-worker${extname(__filename)}`);
import { runPBTConfig } from '../run/run-pbt';
import { runDartsConfig } from '../run/run-darts';

export const runHelp = `Usage: tfjs-tune run CONFIG [options]

Tunes a zoo model on a dataset as the config file (YAML or JSON) says, storing every trial.
  --trials N       trials to add in this run (config: trials)
  --timeout T      time budget: no trial starts after T (seconds, or 30s, 10m, 2h; config: timeBudget)
  --storage URL    default sqlite:./tfjs-tune.db (config: storage); postgres://user@host:port/db
                   lets \`tfjs-tune worker --storage URL --study NAME\` on other machines join
  --checkpoints D  the checkpoint folder (default: beside the SQLite file); required with PostgreSQL:
                   an absolute path that every worker machine mounts (a shared folder)
  --heartbeat S    seconds between heartbeats of running trials (default 20); every worker of the
                   study uses it, and fails a trial with no heartbeat for 3 intervals
  --seed N         (config: seed)
  --workers N      trials trained at once in worker threads; default: the number of cores
  --resume         add trials to an existing study of the same name
  --quiet          no progress output
  --json           print the result as JSON on stdout (implies --quiet)
Ctrl-C stops cleanly: the running trials are marked FAIL, everything else is kept.
model: darts samples DARTS genotypes with the config's method; with a \`darts: { search: {...} }\` block it
runs DARTS' bilevel search instead, then retrains the derived genotype (examples/cifar-darts.yaml).
The config is checked whole (and the model built once on one batch) before the study is created.
Exit code: 0 done, 1 no trial of this run completed (the summary counts the failure reasons),
2 a refused config or option (nothing written), 130 interrupted.
`;

const METRICS_CLASSIFICATION = ['val_acc', 'val_loss', 'acc', 'loss'];
const METRICS_REGRESSION = ['val_loss', 'loss'];

/** The config with the command line's overrides; `checkpoints` is the --checkpoints flag (not a config key). */
type FlaggedConfig = RunConfig & { readonly checkpoints?: string };

function withFlags(config: RunConfig, args: ReturnType<typeof parseArgs>): FlaggedConfig {
  const trials = flagInt(args, 'trials', 1);
  const seed = flagInt(args, 'seed', 0);
  const workers = flagInt(args, 'workers', 1);
  const timeoutRaw = flagString(args, 'timeout');
  const timeout = timeoutRaw === undefined ? undefined : parseDuration(timeoutRaw, '--timeout');
  const storage = flagString(args, 'storage');
  const checkpoints = flagString(args, 'checkpoints');
  return {
    ...(checkpoints !== undefined ? { checkpoints } : {}),
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
    checkpoints: true,
    heartbeat: true,
    seed: true,
    workers: true,
    resume: false,
    quiet: false,
    json: false,
    verbose: false,
  });
  checkPositionals(args, ['CONFIG']);
  const file = args.positionals[0];
  if (file === undefined) throw new InvalidArgumentError('CONFIG', null, 'a config file (see examples/*.yaml)');
  const warn = (message: string): void => io.stderr(`warning: ${message}\n`);
  let config = withFlags(loadConfig(file, warn), args);
  checkFlagsAgainstSchedule(config);
  const scheduled = config.scheduler.type !== 'none';
  const json = flagBool(args, 'json');
  const quiet = json || flagBool(args, 'quiet');
  const resume = flagBool(args, 'resume');
  const heartbeatRaw = flagString(args, 'heartbeat');
  const heartbeatInterval = heartbeatRaw === undefined ? 20 : Number(heartbeatRaw);
  if (!(heartbeatInterval > 0)) throw new InvalidArgumentError('--heartbeat', heartbeatRaw, 'a number of seconds > 0');

  // Everything that can be checked is checked before the study is created: a refused config
  // writes nothing (no SQLite file, no study, no checkpoint folder).
  if (config.method === 'grid') gridFromConfig(config);
  const cores = Math.max(1, cpus().length);
  const workers = config.workers ?? cores;
  for (const w of sanityWarnings(config, cores)) warn(w);
  if (config.storage === 'memory' || config.storage === ':memory:') {
    throw new InvalidArgumentError(
      'storage',
      config.storage,
      'a file storage such as sqlite:./tfjs-tune.db (trials run in worker threads that share it)',
    );
  }
  const checkpointDir = checkpointDirFor(config);
  const prepared = await prepareConfiguredData(config.dataset, config.seed, quiet ? silentLogger : undefined);
  const { data, preprocessor } = prepared;
  if (!config.metricGiven && data.train.numClasses === 0) {
    const metric = { name: 'val_loss', goal: 'minimize' } as const;
    config = { ...config, metric, objectives: [metric] };
  }
  checkObjectiveNames(config.objectives, data.train.numClasses === 0 ? METRICS_REGRESSION : METRICS_CLASSIFICATION);
  // After the data: `model: auto` chooses its families by the data's kind.
  const model = configuredModel(config, data);
  checkParameterNames(model, config);
  if (config.model === 'darts' && data.train.xShape.length !== 4) {
    throw new InvalidArgumentError(
      'model',
      config.model,
      'cnn, mlp or auto for data that is not images (darts needs [N, H, W, C])',
    );
  }
  if (config.model === 'lstm' && data.train.vocabulary === undefined) {
    throw new InvalidArgumentError(
      'model',
      config.model,
      'mlp or cnn for a dataset without a vocabulary (lstm needs token ids)',
    );
  }
  const restoreWarn = quietTfjsWarnings();
  let backend: string;
  try {
    backend = describeBackend(await initBackend());
    dryBuild(model, data, firstParams(model, configuredSpace(model, config)));
  } finally {
    restoreWarn();
  }
  if (resume) await requireStudy(config);
  if (config.darts !== null)
    return runDartsConfig({ config: { ...config, darts: config.darts }, data, io, quiet, json });

  const study = await createStudy({
    studyName: config.study,
    storage: config.storage,
    directions: config.objectives.map((m) => m.goal),
    seed: config.seed,
    loadIfExists: true,
    logger: silentLogger,
    heartbeatInterval,
  });
  const existing = study.trials.length;
  if (existing > 0 && !resume) {
    await study.storage.close();
    throw new InvalidArgumentError(
      'study',
      config.study,
      `a new study name, or --resume to add trials to the ${existing} already in ${redactStorageUrl(config.storage)}`,
    );
  }
  const { checkpoints: _checkpoints, ...stored } = config;
  await study.setUserAttr(
    'config',
    JSON.parse(JSON.stringify({ ...stored, storage: redactStorageUrl(config.storage) })) as never,
  );
  const target = config.trials === null ? null : existing + config.trials;
  // What `tfjs-tune worker` on another machine needs to join (see run-record.ts).
  markCheckpointDir(checkpointDir, study);
  await recordRun(study, { config: stored, budget: scheduled ? null : target, checkpointDir, heartbeatInterval });
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
      checkpointDir,
      workers,
      workerEntry: TRIAL_WORKER,
      heartbeatInterval,
    });
    await study.storage.close();
    return code;
  }
  const best = existing > 0 ? studyBest(study, config) : null;
  const display = new RunDisplay(io, {
    quiet,
    tty: process.stderr.isTTY === true,
    total: scheduled ? scheduledTrials(config) : config.trials,
    timeout: config.timeout,
    maximize: config.metric.goal === 'maximize',
    metric: config.metric.name,
    fullEpochs: scheduled ? config.epochs : null,
    ...(best !== null ? { initialBest: best } : {}),
  });
  if (!quiet)
    io.stderr(
      `study "${config.study}" in ${redactStorageUrl(config.storage)}: ${modelWords(config, data)} on ${config.dataset.kind}, method ${config.method}${scheduleWords(config)}, ${workers} worker(s)\n`,
    );
  // The run's one backend line: the workers load the same backend and say so; the display prints it once.
  display.handle({ type: 'backend', description: backend });

  const storage = storageFromUrl(config.storage);
  const deadline = config.timeout === null ? null : Date.now() + config.timeout * 1000;
  const poolOptions: WorkerPoolOptions = {
    entry: TRIAL_WORKER,
    workerData: {
      config,
      data,
      maxTrialsInStudy: scheduled ? null : target,
      deadline,
      checkpointDir,
      heartbeatInterval,
      preprocessor,
    },
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
    // Under a scheduler the reason marks the jobs as interrupted (`wasInterrupted`): they run again.
    interruption = (pool?.interrupt('interrupted (Ctrl-C)') ?? Promise.resolve([])).then((failed) => {
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
  const summary = summarize(study, config, { checkpointDir, file, interrupted, firstTrial: existing });
  const { ensemble } = config;
  let ensembleFailed = false;
  if (ensemble !== null && !interrupted && summary.json['best'] !== null) {
    try {
      const built = await runEnsemble(study, { ...config, ensemble }, data, checkpointDir, preprocessor);
      summary.json['ensemble'] = built;
      // `evaluate`, `predict` and `export-model` then use the ensemble (the model the run ended with).
      await study.setUserAttr('ensemble', { checkpoint: built.checkpoint, bestSingle: built.bestSingle.trial });
      summary.text += formatRunEnsemble(built);
    } catch (e) {
      ensembleFailed = true;
      summary.json['ensemble'] = { error: e instanceof Error ? e.message : String(e) };
      io.stderr(`ensemble not built: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  if (json) io.stdout(`${JSON.stringify(summary.json, null, 2)}\n`);
  else io.stdout(summary.text);
  await study.storage.close();
  return summary.exitCode !== 0 ? summary.exitCode : ensembleFailed ? 1 : 0;
}

/** The model a run tunes; for `auto`, with the families it chooses between. */
function modelWords(config: RunConfig, data: DatasetSplits): string {
  if (config.model !== 'auto') return config.model;
  return `auto (${AUTO_FAMILIES[dataKindOf(data)].map((m) => m.name).join(' or ')})`;
}

/** `--resume` continues a study: one that does not exist (or a SQLite file that does not) is an error, and nothing is created. */
async function requireStudy(config: RunConfig): Promise<void> {
  const refuse = (why: string): InvalidArgumentError =>
    new InvalidArgumentError('--resume', config.study, `an existing study (${why}); leave --resume out to start it`);
  let storage: Storage;
  try {
    storage = existingStorageFromUrl(config.storage);
  } catch {
    throw refuse(`no SQLite file for ${config.storage}`);
  }
  try {
    await storage.getStudyIdByName(config.study);
  } catch {
    throw refuse(`none named "${config.study}" in ${config.storage}`);
  } finally {
    await storage.close();
  }
}

/** The study-wide best before this run (scheduled runs: among fully trained trials), for the display. */
function studyBest(study: Study, config: RunConfig): { number: number; value: number } | null {
  const best = runBest(study, config);
  const value = best?.values?.[0];
  return best === null || value === undefined ? null : { number: best.number, value };
}

function scheduleWords(config: RunConfig): string {
  const scheduler = config.scheduler;
  if (scheduler.type === 'hyperband')
    return ` on a Hyperband schedule (max ${config.epochs} epochs, factor ${scheduler.factor})`;
  if (scheduler.type === 'asha')
    return ` on ASHA with promotions (rungs ${ashaRungs(config.epochs, scheduler.factor, scheduler.minEpochs).join(', ')} epochs)`;
  return '';
}

/**
 * Checkpoints live beside the study's SQLite file: `<dir of the db>/tfjs-tune-checkpoints/<study>`,
 * or in `--checkpoints`. A PostgreSQL study is shared by machines, so there the folder must be
 * given, as an absolute path every worker machine mounts: a default under this machine's working
 * folder would leave the other workers' checkpoints out of reach.
 */
function checkpointDirFor(config: FlaggedConfig): string {
  if (config.checkpoints !== undefined) {
    if (!isAbsolute(config.checkpoints))
      throw new InvalidArgumentError('--checkpoints', config.checkpoints, 'an absolute path');
    return join(config.checkpoints, config.study);
  }
  if (isPostgresUrl(config.storage))
    throw new InvalidArgumentError(
      '--checkpoints',
      null,
      'with a postgres:// storage, an absolute path that every worker machine mounts (a shared folder), e.g. --checkpoints /mnt/shared/tfjs-tune',
    );
  const path = /^sqlite:(?:\/\/)?([^?]+)/.exec(config.storage)?.[1];
  return resolve(join(path === undefined ? '.' : dirname(path), 'tfjs-tune-checkpoints', config.study));
}

import { loadCsv, type LoadCsvOptions } from '../../../datasets/load-csv';
import { checkPreprocessor } from '../../../datasets/preprocess/apply';
import type { FittedPreprocessor } from '../../../datasets/preprocess/fitted';
import type { Dataset } from '../../../datasets/types';
import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import type { Storage } from '../../storage/base';
import { loadTrainedModel, type TrainedModel } from '../../training/evaluate/trained-model';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { silentLogger } from '../../util/logger';
import { csvOptionsOf, loadConfiguredData, prepareConfiguredData } from '../config/resolve';
import type { RunConfig } from '../config/schema';
import { bestOfRun } from './run-schedule';

/** The model a study's command works on, with how it was chosen. */
export interface StudyModel {
  readonly model: TrainedModel;
  readonly config: RunConfig;
  /** The trial whose model (or whose configuration, refitted) this is. */
  readonly trial: number;
  readonly refit: boolean;
  /** The run's ensemble (`ensemble:` in its config) as one model; `trial` is its best single member. */
  readonly ensemble: boolean;
  readonly checkpoint: string;
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
}

/**
 * Picks a study's model: `--trial N`'s checkpoint; else the refit model when the run had `refit: true`;
 * else the run's ensemble when it built one (the model the run ended with); else the best trial's. Its preprocessing is the checkpoint's `preprocess.json`, else the study's.
 */
export async function loadStudyModel(
  storage: Storage,
  studyName: string,
  trialFlag: number | undefined,
): Promise<StudyModel> {
  const studyId = await storage.getStudyIdByName(studyName);
  const record = await storage.getStudy(studyId);
  const attrs = record.userAttrs;
  const config = attrs['config'] as unknown as RunConfig | undefined;
  if (config === undefined || typeof config !== 'object')
    throw new InvalidArgumentError('STUDY', studyName, 'a study written by `tfjs-tune run` (it stores its config)');
  const pre = attrs['preprocess'];
  const studyPre = pre === undefined ? undefined : (checkPreprocessor(pre), pre as unknown as FittedPreprocessor);
  const direction = record.directions[0] === 'maximize' ? 'maximize' : 'minimize';
  const refit = attrs['refit'] as { trial: number; checkpoint: string } | undefined;
  const base = { config, metric: config.metric.name, direction } as const;
  if (trialFlag === undefined && refit !== undefined) {
    const model = await loadTrainedModel(refit.checkpoint, studyPre);
    return { ...base, model, trial: refit.trial, refit: true, ensemble: false, checkpoint: refit.checkpoint };
  }
  const ensemble = attrs['ensemble'] as { bestSingle: number; checkpoint: string } | undefined;
  if (trialFlag === undefined && ensemble !== undefined) {
    const model = await loadTrainedModel(ensemble.checkpoint, studyPre);
    return {
      ...base,
      model,
      trial: ensemble.bestSingle,
      refit: false,
      ensemble: true,
      checkpoint: ensemble.checkpoint,
    };
  }
  const trials = await storage.getAllTrials(studyId);
  const trial =
    trialFlag === undefined ? bestOf(trials, config, direction) : trials.find((t) => t.number === trialFlag);
  if (trial === undefined)
    throw new InvalidArgumentError(
      '--trial',
      trialFlag ?? null,
      `a trial number of study "${studyName}" (0 .. ${trials.length - 1})`,
    );
  const dir = trial.userAttrs['checkpoint'];
  if (typeof dir !== 'string')
    throw new TfjsTuneError(`trial #${trial.number} of study "${studyName}" has no saved model (state ${trial.state})`);
  const model = await loadTrainedModel(dir, studyPre);
  return { ...base, model, trial: trial.number, refit: false, ensemble: false, checkpoint: dir };
}

/** The run's best trial ({@link bestOfRun}) among those with a saved model. */
function bestOf(trials: readonly FrozenTrial[], config: RunConfig, direction: 'minimize' | 'maximize'): FrozenTrial {
  const saved = trials.filter((t) => typeof t.userAttrs['checkpoint'] === 'string');
  const best = bestOfRun(saved, config, direction);
  if (best === null) throw new TfjsTuneError('the study has no COMPLETE trial with a saved model');
  return best;
}

/**
 * The labelled data to score: `--data FILE` read as the training file was (its label column, or
 * `--label`), with the model's categorical columns and class list; else the config's own test part.
 */
export async function heldOutData(
  sm: StudyModel,
  file: string | undefined,
  label: string | null | undefined,
  alsoIgnore: readonly (string | number)[] = [],
): Promise<Dataset> {
  const spec = sm.config.dataset;
  if (file !== undefined) {
    const classNames = sm.model.classNames;
    const options: LoadCsvOptions = {
      ...csvOptionsOf(spec),
      ...(label !== undefined ? { label } : {}),
      ignore: [...(spec.extras.csv.ignore ?? []), ...alsoIgnore],
      categorical: sm.model.preprocessor.columns.filter((c) => c.kind === 'categorical').map((c) => c.column),
      task: classNames === null ? 'regression' : 'classification',
      ...(classNames !== null && label !== null ? { classNames } : {}),
      logger: silentLogger,
    };
    if (options.label === undefined) throw new InvalidArgumentError('--label', null, 'the label column of the file');
    return loadCsv(file, options);
  }
  if (spec.kind === 'csv' && spec.extras.testFile !== null)
    return (await prepareConfiguredData(spec, sm.config.seed, silentLogger)).raw.test as Dataset;
  const test = (await loadConfiguredData(spec, sm.config.seed, silentLogger)).test;
  if (test === undefined)
    throw new InvalidArgumentError(
      '--data',
      null,
      "a CSV file (the study's config has no test part: dataset.testFraction or dataset.test)",
    );
  return test;
}

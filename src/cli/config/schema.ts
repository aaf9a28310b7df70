import { InvalidArgumentError } from '../../errors';
import type { CategoricalChoice } from '../../space/distributions';
import { CSV_EXTRA_KEYS, EXTRA_KEYS, NO_EXTRAS, parseDatasetExtras, type DatasetExtras } from './dataset-extras';
import { checkKeys, isObj, optInt, optNumber, optString, type Obj } from './check';
import { parseDartsBlock, type DartsBlock } from './darts-block';
import { parseLrSchedule, type LrScheduleConfig } from './lr-schedule-block';
import { parseDuration } from './duration';
import { parseEnsemble, type EnsembleConfig } from './ensemble-block';
import { MULTI_OBJECTIVE_METHODS, MULTI_OBJECTIVE_PRUNERS, parseObjectives, type MetricSpec } from './metric-block';
import { parsePruner, type PrunerConfig } from './pruner-block';
import { isPBTBlock, parsePBTBlock, type PBTBlock } from './pbt-block';
import { parseScheduler, type SchedulerConfig } from './scheduler-block';

export { PRUNER_TYPES } from './pruner-block';
export type { PrunerConfig, PrunerType } from './pruner-block';
export { SCHEDULER_BLOCKS } from './scheduler-block';
export type { EpochSchedulerConfig, SchedulerConfig } from './scheduler-block';

export const MODELS = ['mlp', 'cnn', 'lstm', 'darts'] as const;
/** `auto`: the family is a parameter too (models/auto.ts), among those the data's kind allows. */
export const MODEL_CHOICES = [...MODELS, 'auto'] as const;
export const METHODS = [
  'random',
  'grid',
  'tpe',
  'qmc',
  'gp',
  'cmaes',
  'evolution',
  'nsgaii',
  'nsgaiii',
  'bohb',
  'auto',
] as const;
/** The methods that can propose a Hyperband or ASHA scheduler's new configurations. */
export const HYPERBAND_METHODS = ['random', 'bohb'] as const;
export const SYNTHETIC_DATASETS = ['synthetic-cifar', 'synthetic-imdb', 'synthetic-tabular'] as const;
export const FILE_DATASETS = ['cifar10', 'imdb', 'csv'] as const;
const DISTRIBUTIONS = ['uniform', 'log_uniform', 'int_uniform', 'q_uniform'] as const;

/** One `parameters` entry, W&B sweep style. */
export type ParameterSpec =
  | { kind: 'range'; distribution: (typeof DISTRIBUTIONS)[number]; min: number; max: number; q?: number }
  | { kind: 'values'; values: CategoricalChoice[] }
  | { kind: 'value'; value: CategoricalChoice };

export interface DatasetSpec {
  readonly kind: (typeof SYNTHETIC_DATASETS)[number] | (typeof FILE_DATASETS)[number];
  /** Folder or file for the real formats. */
  readonly path?: string;
  /** Sizes and loader options (nTrain, nVal, vocabSize, maxLen, label, valFraction, ...). */
  readonly options: Readonly<Record<string, number | string>>;
  /** Preprocessing, the test part and CSV reading options (dataset-extras.ts). */
  readonly extras: DatasetExtras;
}

/** A validated `tfjs-tune run` config. */
export interface RunConfig {
  readonly study: string;
  readonly model: (typeof MODEL_CHOICES)[number];
  readonly dataset: DatasetSpec;
  /** The first (or only) objective: what the display, `refit`, `evaluate` and the best trial go by. */
  readonly metric: MetricSpec;
  /**
   * Every objective, `[metric]` for one; two or more (`metric:` as a list) make the study
   * multi-objective (a Pareto front), among them the model metrics `params` and `inference_ms`.
   */
  readonly objectives: readonly MetricSpec[];
  /** False when the config left `metric` out: the run then picks val_acc, or val_loss for regression data. */
  readonly metricGiven: boolean;
  readonly method: (typeof METHODS)[number];
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly epochs: number;
  readonly earlyStopping: { readonly patience: number; readonly minDelta: number } | null;
  /** How each trial's learning rate moves over epochs, from its own `learning_rate`; null: constant. */
  readonly lrSchedule: LrScheduleConfig | null;
  /** A stop-only pruner for trials that train to `epochs` on their own (`type: 'none'`: no pruner). */
  readonly pruner: PrunerConfig;
  /**
   * The framework owns the loop: synchronous Hyperband (`epochs` its maxEpochs) or ASHA with
   * promotions (`trials` counts its new configurations); `type: 'none'`: trials train to `epochs`.
   */
  readonly scheduler: SchedulerConfig;
  /** `scheduler: { type: pbt, ... }` (parsed whole by pbt-block.ts, which reads the rest of the config); null otherwise. */
  readonly pbt: PBTBlock | null;
  readonly trials: number | null;
  /** Seconds after which no trial starts (`timeBudget: 10m`, or `timeout`); the running ones finish. */
  readonly timeout: number | null;
  /** Ensemble selection over the best trials after the search; null: none. */
  readonly ensemble: EnsembleConfig | null;
  readonly seed: number;
  readonly storage: string;
  readonly workers: number | null;
  /** Retrain the best configuration on train + validation after the search (scikit-learn's `refit`). */
  readonly refit: boolean;
  /** `darts: { search, retrain }` with `model: darts`: DARTS' bilevel search, then a retrain; null otherwise. */
  readonly darts: DartsBlock | null;
}

const TOP_KEYS = [
  'study',
  'model',
  'dataset',
  'metric',
  'method',
  'parameters',
  'epochs',
  'earlyStopping',
  'lrSchedule',
  'pruner',
  'scheduler',
  'trials',
  'timeout',
  'timeBudget',
  'ensemble',
  'seed',
  'storage',
  'workers',
  'refit',
  'darts',
  'description',
];
const DATASET_OPTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  'synthetic-cifar': ['nTrain', 'nVal', 'nTest', 'classes', 'imageSize', 'seed'],
  'synthetic-imdb': ['nTrain', 'nVal', 'nTest', 'vocabSize', 'maxLen', 'seed'],
  'synthetic-tabular': ['n', 'nFeatures', 'nInformative', 'classes', 'valFraction', 'seed'],
  cifar10: ['valFraction', 'seed'],
  imdb: ['vocabSize', 'maxLen', 'valFraction', 'maxPerClass', 'seed'],
  csv: ['label', 'valFraction', 'delimiter', 'seed'],
};

function parseDataset(raw: unknown): DatasetSpec {
  const allowed = `one of ${[...SYNTHETIC_DATASETS].join(', ')}, or { cifar10: DIR } / { imdb: DIR } / { csv: FILE, label: COLUMN } (with optional sizes)`;
  if (typeof raw === 'string') {
    if (!(SYNTHETIC_DATASETS as readonly string[]).includes(raw))
      throw new InvalidArgumentError('dataset', raw, allowed);
    return { kind: raw as DatasetSpec['kind'], options: {}, extras: NO_EXTRAS };
  }
  if (!isObj(raw)) throw new InvalidArgumentError('dataset', raw, allowed);
  const fileKind = FILE_DATASETS.find((k) => k in raw);
  const kind = fileKind ?? (typeof raw['name'] === 'string' ? raw['name'] : undefined);
  if (kind === undefined || !(kind in DATASET_OPTION_KEYS)) throw new InvalidArgumentError('dataset', raw, allowed);
  const keys = [
    ...(DATASET_OPTION_KEYS[kind] ?? []),
    fileKind ?? 'name',
    ...EXTRA_KEYS,
    ...(kind === 'csv' ? CSV_EXTRA_KEYS : []),
  ];
  checkKeys(raw, keys, 'dataset');
  const options: Record<string, number | string> = {};
  for (const key of DATASET_OPTION_KEYS[kind] ?? []) {
    const v = raw[key];
    if (v === undefined) continue;
    if (key === 'label' || key === 'delimiter') {
      if (typeof v !== 'string' && typeof v !== 'number')
        throw new InvalidArgumentError(`dataset.${key}`, v, 'a column name or index');
      options[key] = v;
    } else if (key === 'valFraction') {
      options[key] = checkFraction(v);
    } else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new InvalidArgumentError(`dataset.${key}`, v, 'an integer >= 0');
    } else options[key] = v;
  }
  if (fileKind !== undefined) {
    const path = raw[fileKind];
    if (typeof path !== 'string' || path.length === 0)
      throw new InvalidArgumentError(
        `dataset.${fileKind}`,
        path,
        fileKind === 'csv' ? 'a CSV file path' : 'a folder path',
      );
    if (fileKind === 'csv' && options['label'] === undefined)
      throw new InvalidArgumentError('dataset.label', undefined, 'the label column of the CSV file');
    return { kind: fileKind, path, options, extras: parseDatasetExtras(raw, fileKind === 'csv') };
  }
  return { kind: kind as DatasetSpec['kind'], options, extras: parseDatasetExtras(raw, false) };
}

function checkFraction(v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v < 1))
    throw new InvalidArgumentError('dataset.valFraction', v, 'a number between 0 and 1');
  return v;
}

function parseParameter(name: string, raw: unknown): ParameterSpec {
  const path = `parameters.${name}`;
  const forms = '{ min, max, distribution: uniform|log_uniform|int_uniform|q_uniform }, { values: [...] } or { value }';
  if (!isObj(raw)) throw new InvalidArgumentError(path, raw, forms);
  if ('value' in raw) {
    checkKeys(raw, ['value'], path);
    return { kind: 'value', value: scalar(`${path}.value`, raw['value']) };
  }
  if ('values' in raw) {
    checkKeys(raw, ['values'], path);
    const values = raw['values'];
    if (!Array.isArray(values) || values.length === 0)
      throw new InvalidArgumentError(`${path}.values`, values, 'a non-empty list');
    return { kind: 'values', values: values.map((v, i) => scalar(`${path}.values[${i}]`, v)) };
  }
  checkKeys(raw, ['min', 'max', 'distribution', 'q'], path);
  const distribution = (optString(raw, 'distribution', `${path}.`, DISTRIBUTIONS) ??
    'uniform') as (typeof DISTRIBUTIONS)[number];
  const min = raw['min'];
  const max = raw['max'];
  if (typeof min !== 'number' || !Number.isFinite(min))
    throw new InvalidArgumentError(`${path}.min`, min, `a number (or use ${forms})`);
  if (typeof max !== 'number' || !Number.isFinite(max)) throw new InvalidArgumentError(`${path}.max`, max, 'a number');
  if (min > max) throw new InvalidArgumentError(`${path}.min`, min, `<= max (${max})`);
  if (distribution === 'log_uniform' && min <= 0)
    throw new InvalidArgumentError(`${path}.min`, min, '> 0 for log_uniform');
  if (distribution === 'int_uniform' && (!Number.isInteger(min) || !Number.isInteger(max))) {
    throw new InvalidArgumentError(`${path}.min`, [min, max], 'integers for int_uniform');
  }
  const q = optNumber(raw, 'q', `${path}.`, Number.MIN_VALUE);
  if (distribution === 'q_uniform' && q === undefined)
    throw new InvalidArgumentError(`${path}.q`, undefined, 'a step > 0 for q_uniform');
  return { kind: 'range', distribution, min, max, ...(q !== undefined ? { q } : {}) };
}

function scalar(path: string, v: unknown): CategoricalChoice {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
    return v;
  throw new InvalidArgumentError(path, v, 'a number, string, boolean or null');
}

/**
 * Several objectives end in a Pareto front, not one best model: what needs one ranking (schedulers,
 * PBT, an ensemble, refit) or one value per step (the scalar pruners) is refused.
 */
function checkObjectives(c: RunConfig): void {
  if (c.objectives.length < 2) return;
  const refuse = (field: string, value: unknown, allowed: string, because: string): never => {
    throw new InvalidArgumentError(field, value, `${allowed} with several metrics (${because})`);
  };
  if (c.pbt !== null || c.scheduler.type !== 'none')
    refuse('scheduler', c.pbt !== null ? 'pbt' : c.scheduler.type, 'left out', 'its rungs rank trials by one value');
  if (c.ensemble !== null) refuse('ensemble', c.ensemble, 'left out', 'a Pareto front has no single best to build on');
  if (c.refit) refuse('refit', c.refit, 'false', 'a Pareto front has no single best to retrain');
  if (!(MULTI_OBJECTIVE_METHODS as readonly string[]).includes(c.method))
    refuse('method', c.method, `one of ${MULTI_OBJECTIVE_METHODS.join(', ')}`, 'the others rank by one value');
  if (!(MULTI_OBJECTIVE_PRUNERS as readonly string[]).includes(c.pruner.type))
    refuse('pruner.type', c.pruner.type, 'dominated (or no pruner)', 'the others compare one value per step');
}

/** The rules between method, pruner, scheduler and the other keys, checked on the whole config. */
function checkScheduling(config: RunConfig): RunConfig {
  let c = config;
  const prunerGiven = c.pruner.type !== 'none';
  if (c.method === 'bohb' && c.scheduler.type === 'none') {
    if (prunerGiven)
      throw new InvalidArgumentError('method', 'bohb', 'used without a pruner: BOHB runs its own Hyperband schedule');
    c = { ...c, scheduler: { type: 'hyperband', factor: 3, minEpochs: 1, iterations: 1 } };
  }
  const scheduler = c.scheduler;
  if (scheduler.type === 'none') return c;
  const named = `scheduler ${scheduler.type}`;
  if (!(HYPERBAND_METHODS as readonly string[]).includes(c.method))
    throw new InvalidArgumentError('method', c.method, `one of ${HYPERBAND_METHODS.join(', ')} with ${named}`);
  if (prunerGiven)
    throw new InvalidArgumentError('pruner', c.pruner.type, `left out with ${named} (its rungs stop trials)`);
  if (c.earlyStopping !== null)
    throw new InvalidArgumentError('earlyStopping', c.earlyStopping, `left out with ${named} (its rungs stop trials)`);
  if (c.trials !== null && scheduler.type === 'hyperband')
    throw new InvalidArgumentError(
      'trials',
      c.trials,
      'left out with scheduler hyperband (its schedule sets the trials)',
    );
  if (scheduler.minEpochs > c.epochs)
    throw new InvalidArgumentError('scheduler.minEpochs', scheduler.minEpochs, `<= epochs (${c.epochs})`);
  return c;
}

/** `timeBudget: 10m` (or `30s`, `2h`, seconds), or its older spelling `timeout`; not both. */
function parseTimeBudget(raw: Obj): number | null {
  if (raw['timeBudget'] !== undefined && raw['timeout'] !== undefined)
    throw new InvalidArgumentError(
      'timeout',
      raw['timeout'],
      'left out when timeBudget is given (they are one setting)',
    );
  const key = raw['timeBudget'] !== undefined ? 'timeBudget' : 'timeout';
  return raw[key] === undefined ? null : parseDuration(raw[key], key);
}

function parseRefit(raw: unknown): boolean {
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') throw new InvalidArgumentError('refit', raw, 'true or false');
  return raw;
}

function parseEarlyStopping(raw: unknown): RunConfig['earlyStopping'] {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { patience: 2, minDelta: 0 };
  if (!isObj(raw)) throw new InvalidArgumentError('earlyStopping', raw, 'true, false or { patience, minDelta }');
  checkKeys(raw, ['patience', 'minDelta'], 'earlyStopping');
  return {
    patience: optInt(raw, 'patience', 'earlyStopping.', 0) ?? 2,
    minDelta: optNumber(raw, 'minDelta', 'earlyStopping.', 0) ?? 0,
  };
}

/**
 * Validates a parsed config file as a whole before any work starts. Every error names the key,
 * quotes the bad value and says what is allowed.
 */
export function validateConfig(raw: unknown, defaults: { studyFromFile: string }): RunConfig {
  if (!isObj(raw))
    throw new InvalidArgumentError(
      'config',
      raw,
      'a mapping of keys (model, dataset, metric, method, parameters, ...)',
    );
  checkKeys(raw, TOP_KEYS, '');
  const model = optString(raw, 'model', '', MODEL_CHOICES) as RunConfig['model'] | undefined;
  if (model === undefined) throw new InvalidArgumentError('model', undefined, `one of ${MODEL_CHOICES.join(', ')}`);
  if (raw['dataset'] === undefined)
    throw new InvalidArgumentError('dataset', undefined, 'a dataset (e.g. synthetic-cifar)');
  const params = raw['parameters'] ?? {};
  if (!isObj(params))
    throw new InvalidArgumentError(
      'parameters',
      params,
      'a mapping of parameter name to { min, max, distribution } / { values } / { value }',
    );
  const parameters: Record<string, ParameterSpec> = {};
  for (const name of Object.keys(params).sort()) parameters[name] = parseParameter(name, params[name]);
  const storage = optString(raw, 'storage', '') ?? 'sqlite:./tfjs-tune.db';
  const study = optString(raw, 'study', '') ?? defaults.studyFromFile;
  if (study.length === 0) throw new InvalidArgumentError('study', study, 'a non-empty name');
  const pbt = isPBTBlock(raw['scheduler']) ? parsePBTBlock(raw['scheduler'], raw) : null;
  if (pbt !== null && (model === 'auto' || raw['ensemble'] !== undefined))
    throw new InvalidArgumentError(
      model === 'auto' ? 'model' : 'ensemble',
      model === 'auto' ? model : raw['ensemble'],
      'left out with scheduler pbt (its members mutate one architecture and end as one lineage)',
    );
  const objectives = parseObjectives(raw['metric']);
  if (raw['lrSchedule'] !== undefined && (pbt !== null || raw['darts'] !== undefined))
    throw new InvalidArgumentError(
      'lrSchedule',
      raw['lrSchedule'],
      pbt !== null
        ? 'left out with scheduler pbt (its members mutate the learning rate themselves)'
        : 'left out with a darts block (the DARTS search runs its own cosine schedule)',
    );
  const config: RunConfig = {
    study,
    model,
    dataset: parseDataset(raw['dataset']),
    metric: objectives[0] as MetricSpec,
    objectives,
    metricGiven: raw['metric'] !== undefined,
    method: (optString(raw, 'method', '', METHODS) ?? 'random') as RunConfig['method'],
    parameters,
    epochs: optInt(raw, 'epochs', '', 1) ?? 3,
    earlyStopping: parseEarlyStopping(raw['earlyStopping']),
    lrSchedule: parseLrSchedule(raw['lrSchedule']),
    pruner: parsePruner(raw['pruner']),
    // PBT's block is parsed whole with the config it depends on (pbt-block.ts); its loop is its own.
    scheduler: pbt === null ? parseScheduler(raw['scheduler']) : { type: 'none' },
    pbt,
    trials: optInt(raw, 'trials', '', 1) ?? null,
    timeout: parseTimeBudget(raw),
    ensemble: parseEnsemble(raw['ensemble']),
    seed: optInt(raw, 'seed', '', 0) ?? 0,
    storage,
    workers: optInt(raw, 'workers', '', 1) ?? null,
    refit: parseRefit(raw['refit']),
    darts: parseDartsBlock(raw['darts'], raw),
  };
  const checked = checkScheduling(config);
  checkObjectives(checked);
  return checked;
}

export type { Obj };

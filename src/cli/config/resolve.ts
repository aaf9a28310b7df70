import { loadCifar10 } from '../../../datasets/load-cifar10';
import { loadCsv, type LoadCsvOptions } from '../../../datasets/load-csv';
import { preprocessSplits } from '../../../datasets/preprocess/apply';
import type { FittedPreprocessor } from '../../../datasets/preprocess/fitted';
import { loadImdb } from '../../../datasets/load-imdb';
import { trainValTestSplit } from '../../../datasets/splits';
import { syntheticCifar } from '../../../datasets/synthetic-cifar';
import { syntheticImdb } from '../../../datasets/synthetic-imdb';
import { syntheticTabular } from '../../../datasets/synthetic-tabular';
import type { Dataset, DatasetSplits } from '../../../datasets/types';
import { AUTO_FAMILIES, AUTO_FAMILY_PARAM, auto, dataKindOf } from '../../../models/auto';
import { cnn } from '../../../models/cnn';
import { darts } from '../../../models/darts';
import { lstm } from '../../../models/lstm';
import { mlp } from '../../../models/mlp';
import type { Pruner } from '../../pruners/base';
import { MedianPruner } from '../../pruners/median';
import { NopPruner } from '../../pruners/nop';
import { PatientPruner } from '../../pruners/patient';
import { PercentilePruner } from '../../pruners/percentile';
import { ThresholdPruner } from '../../pruners/threshold';
import { SuccessiveHalvingPruner } from '../../pruners/successive-halving';
import { HyperbandPruner } from '../../pruners/hyperband';
import { DominatedPruner } from '../../pruners/dominated';
import { InvalidArgumentError } from '../../errors';
import type { Sampler } from '../../samplers/base';
import { BOHBSampler } from '../../samplers/bohb/sampler';
import { CmaEsSampler } from '../../samplers/cmaes/sampler';
import { EvolutionSampler } from '../../samplers/evolution/sampler';
import { NSGAIISampler } from '../../samplers/nsgaii/sampler';
import { NSGAIIISampler } from '../../samplers/nsgaiii/sampler';
import { AutoSampler } from '../../samplers/auto';
import { GPSampler } from '../../samplers/gp';
import { GridSampler } from '../../samplers/grid';
import { QMCSampler } from '../../samplers/qmc';
import { RandomSampler } from '../../samplers/random';
import { TPESampler } from '../../samplers/tpe/sampler';
import type { HyperModel } from '../../training/hyper-model';
import type { Logger } from '../../util/logger';
import type { DatasetSpec, MODELS, RunConfig } from './schema';
import { gridFromConfig } from './space';

export const ZOO: Readonly<Record<(typeof MODELS)[number], HyperModel>> = { mlp, cnn, lstm, darts };

/** The zoo family a config names, for runs that refuse `model: auto` (PBT: the schema refuses it). */
export function zooFamily(config: RunConfig): HyperModel {
  if (config.model === 'auto')
    throw new InvalidArgumentError('model', config.model, `one of ${Object.keys(ZOO).join(', ')} here`);
  return ZOO[config.model];
}

/**
 * The HyperModel a config's `model` names: a zoo family, or for `auto` the families the data's kind
 * allows (models/auto.ts), whose `parameters.model` values, if listed, must be among them.
 */
export function configuredModel(config: RunConfig, data: Dataset | DatasetSplits): HyperModel {
  if (config.model !== 'auto') return ZOO[config.model];
  const kind = dataKindOf(data);
  const families = AUTO_FAMILIES[kind].map((m) => m.name);
  const spec = config.parameters[AUTO_FAMILY_PARAM];
  const listed = spec?.kind === 'values' ? spec.values : spec?.kind === 'value' ? [spec.value] : [];
  if (spec?.kind === 'range')
    throw new InvalidArgumentError(
      `parameters.${AUTO_FAMILY_PARAM}`,
      spec,
      `{ values: [...] } of ${families.join(', ')}`,
    );
  listed.forEach((v, i) => {
    if (typeof v !== 'string' || !families.includes(v))
      throw new InvalidArgumentError(
        `parameters.${AUTO_FAMILY_PARAM}.values[${i}]`,
        v,
        `one of ${families.join(', ')} (the families for ${kind} data)`,
      );
  });
  return auto(data);
}

function n(options: DatasetSpec['options'], key: string, fallback: number): number {
  const v = options[key];
  return typeof v === 'number' ? v : fallback;
}

function splitTrain(ds: Dataset, spec: DatasetSpec, seed: number): DatasetSplits {
  const { testFraction } = spec.extras;
  return trainValTestSplit(ds, {
    valFraction: n(spec.options, 'valFraction', 0.2),
    seed: n(spec.options, 'seed', seed),
    ...(testFraction > 0 ? { testFraction } : {}),
  });
}

function cutsTest(spec: DatasetSpec): boolean {
  return spec.extras.testFraction > 0;
}

/** A loader's train part cut again into train / val / test when `dataset.testFraction` asks for a test part. */
function withTestPart(loaded: DatasetSplits, spec: DatasetSpec, seed: number): DatasetSplits {
  return cutsTest(spec) ? splitTrain(loaded.train, spec, seed) : loaded;
}

/** The `loadCsv` options a config's CSV dataset names (the label column, delimiter and reading keys). */
export function csvOptionsOf(spec: DatasetSpec): LoadCsvOptions {
  const label = spec.options['label'] as string | number;
  const delimiter = typeof spec.options['delimiter'] === 'string' ? spec.options['delimiter'] : ',';
  return { label, delimiter, ...spec.extras.csv };
}

/** The data a run trains on: the raw parts, and those parts encoded by preprocessing fitted on `train` only. */
export interface PreparedData {
  readonly raw: DatasetSplits;
  readonly data: DatasetSplits;
  readonly preprocessor: FittedPreprocessor;
}

/**
 * Reads the config's data, cuts its parts, and fits `dataset.preprocess` on the training part alone
 * (never on validation or test rows); every part is then encoded with it. A separate test file
 * (`dataset.test`) is read with the training's categorical columns and class list.
 */
export async function prepareConfiguredData(spec: DatasetSpec, seed: number, logger?: Logger): Promise<PreparedData> {
  const loaded = await loadConfiguredData(spec, seed, logger);
  let raw = loaded;
  if (spec.kind === 'csv' && spec.extras.testFile !== null) {
    const test = await loadCsv(spec.extras.testFile, csvTestOptions(spec, loaded.train, logger));
    raw = { ...loaded, test };
  }
  const { data, preprocessor } = preprocessSplits(raw, spec.extras.preprocess);
  return { raw, data, preprocessor };
}

/** How to read a held-out CSV for a model trained on `train`: its categorical columns and its class order. */
export function csvTestOptions(spec: DatasetSpec, train: Dataset, logger?: Logger): LoadCsvOptions {
  const categorical = (train.columns ?? []).filter((c) => c.kind === 'categorical').map((c) => c.name);
  return {
    ...csvOptionsOf(spec),
    categorical,
    task: train.numClasses === 0 ? 'regression' : 'classification',
    ...(train.classNames !== undefined && train.numClasses > 0 ? { classNames: train.classNames } : {}),
    ...(logger !== undefined ? { logger } : {}),
  };
}

/** Builds (or reads) the dataset a config names. Synthetic sizes default to a quick run. */
export async function loadConfiguredData(spec: DatasetSpec, seed: number, logger?: Logger): Promise<DatasetSplits> {
  const o = spec.options;
  const dataSeed = n(o, 'seed', seed);
  switch (spec.kind) {
    case 'synthetic-cifar':
      return syntheticCifar({
        nTrain: n(o, 'nTrain', 2000),
        nVal: n(o, 'nVal', 500),
        nTest: n(o, 'nTest', 0),
        classes: n(o, 'classes', 10),
        imageSize: n(o, 'imageSize', 32),
        seed: dataSeed,
      });
    case 'synthetic-imdb':
      return syntheticImdb({
        nTrain: n(o, 'nTrain', 2000),
        nVal: n(o, 'nVal', 500),
        nTest: n(o, 'nTest', 0),
        vocabSize: n(o, 'vocabSize', 1000),
        maxLen: n(o, 'maxLen', 50),
        seed: dataSeed,
      });
    case 'synthetic-tabular': {
      // The config's `n` rows and `valFraction` (default 0.2) are the generator's train and val sizes;
      // `dataset.testFraction` of them, if set, are held out as the test part.
      const rows = n(o, 'n', 2000);
      const nTest = Math.round(rows * spec.extras.testFraction);
      const nVal = Math.round((rows - nTest) * n(o, 'valFraction', 0.2));
      return syntheticTabular({
        nTrain: rows - nTest - nVal,
        nVal,
        nTest,
        nFeatures: n(o, 'nFeatures', 10),
        nInformative: n(o, 'nInformative', 5),
        classes: n(o, 'classes', 2),
        seed: dataSeed,
      });
    }
    case 'cifar10':
      return withTestPart(
        await loadCifar10(spec.path as string, {
          testBatch: null,
          valFraction: cutsTest(spec) ? 0 : n(o, 'valFraction', 0.2),
          seed: dataSeed,
        }),
        spec,
        dataSeed,
      );
    case 'imdb':
      return withTestPart(
        await loadImdb(spec.path as string, {
          vocabSize: n(o, 'vocabSize', 10000),
          maxLen: n(o, 'maxLen', 200),
          test: false,
          seed: dataSeed,
          valFraction: cutsTest(spec) ? 0 : n(o, 'valFraction', 0.2),
          ...(o['maxPerClass'] !== undefined ? { maxPerClass: n(o, 'maxPerClass', 0) } : {}),
        }),
        spec,
        dataSeed,
      );
    case 'csv': {
      const options = { ...csvOptionsOf(spec), ...(logger !== undefined ? { logger } : {}) };
      return splitTrain(await loadCsv(spec.path as string, options), spec, dataSeed);
    }
  }
}

/** The sampler a config's `method` names, seeded from the config. */
export function samplerFor(config: RunConfig): Sampler {
  switch (config.method) {
    case 'random':
      return new RandomSampler({ seed: config.seed });
    case 'grid':
      return new GridSampler(gridFromConfig(config), { seed: config.seed });
    case 'tpe':
      // Workers share the study: constant liar keeps parallel suggestions apart.
      return new TPESampler({ seed: config.seed, constantLiar: true });
    case 'qmc':
      return new QMCSampler({ seed: config.seed });
    case 'gp':
      return new GPSampler({ seed: config.seed });
    case 'cmaes':
      return new CmaEsSampler({ seed: config.seed });
    case 'evolution':
      return new EvolutionSampler({ seed: config.seed });
    case 'nsgaii':
      // The generation is rebuilt from stored trials, so workers sharing the study agree on it.
      return new NSGAIISampler({ seed: config.seed });
    case 'nsgaiii':
      return new NSGAIIISampler({ seed: config.seed });
    case 'auto':
      // GP, TPE or NSGA-II per trial from the stored trials, so every worker chooses alike.
      return new AutoSampler({ seed: config.seed });
    case 'bohb':
      // Proposes Hyperband's new configurations from the trials every worker has written.
      return new BOHBSampler({ seed: config.seed });
  }
}

export function prunerFor(config: RunConfig): Pruner {
  const { type, nStartupTrials, nWarmupSteps, percentile, minResource, reductionFactor } = config.pruner;
  switch (type) {
    case 'none':
    case 'nop':
      return new NopPruner();
    case 'median':
      return new MedianPruner({ nStartupTrials, nWarmupSteps });
    case 'percentile':
      return new PercentilePruner(percentile, { nStartupTrials, nWarmupSteps });
    case 'patient':
      return new PatientPruner(null, { patience: config.pruner.patience, minDelta: config.pruner.minDelta });
    case 'threshold': {
      const { lower, upper } = config.pruner;
      return new ThresholdPruner({
        nWarmupSteps,
        ...(lower !== null ? { lower } : {}),
        ...(upper !== null ? { upper } : {}),
      });
    }
    case 'successive-halving':
      return new SuccessiveHalvingPruner({ minResource, reductionFactor });
    case 'hyperband':
      // Reports are per epoch (steps 0 .. epochs - 1), so the largest budget is the config's epochs.
      return new HyperbandPruner({ minResource, maxResource: config.epochs, reductionFactor });
    case 'dominated':
      return new DominatedPruner({
        nStartupTrials,
        nWarmupSteps,
        minDominatedFraction: config.pruner.minDominatedFraction,
      });
  }
}

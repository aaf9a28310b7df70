import { loadCifar10 } from '../../../datasets/load-cifar10';
import { loadCsv } from '../../../datasets/load-csv';
import { loadImdb } from '../../../datasets/load-imdb';
import { trainValTestSplit } from '../../../datasets/splits';
import { syntheticCifar } from '../../../datasets/synthetic-cifar';
import { syntheticImdb } from '../../../datasets/synthetic-imdb';
import { syntheticTabular } from '../../../datasets/synthetic-tabular';
import type { Dataset, DatasetSplits } from '../../../datasets/types';
import { AUTO_FAMILIES, AUTO_FAMILY_PARAM, auto, dataKindOf } from '../../../models/auto';
import { cnn } from '../../../models/cnn';
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
import { InvalidArgumentError } from '../../errors';
import type { Sampler } from '../../samplers/base';
import { BOHBSampler } from '../../samplers/bohb/sampler';
import { CmaEsSampler } from '../../samplers/cmaes/sampler';
import { EvolutionSampler } from '../../samplers/evolution/sampler';
import { NSGAIISampler } from '../../samplers/nsgaii/sampler';
import { NSGAIIISampler } from '../../samplers/nsgaiii/sampler';
import { GPSampler } from '../../samplers/gp';
import { GridSampler } from '../../samplers/grid';
import { QMCSampler } from '../../samplers/qmc';
import { RandomSampler } from '../../samplers/random';
import { TPESampler } from '../../samplers/tpe/sampler';
import type { HyperModel } from '../../training/hyper-model';
import type { DatasetSpec, MODELS, RunConfig } from './schema';
import { gridFromConfig } from './space';

export const ZOO: Readonly<Record<(typeof MODELS)[number], HyperModel>> = { mlp, cnn, lstm };

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
export function configuredModel(config: RunConfig, data: DatasetSplits): HyperModel {
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

function splitTrain(ds: Dataset, options: DatasetSpec['options'], seed: number): DatasetSplits {
  return trainValTestSplit(ds, { valFraction: n(options, 'valFraction', 0.2), seed: n(options, 'seed', seed) });
}

/** Builds (or reads) the dataset a config names. Synthetic sizes default to a quick run. */
export async function loadConfiguredData(spec: DatasetSpec, seed: number): Promise<DatasetSplits> {
  const o = spec.options;
  const dataSeed = n(o, 'seed', seed);
  switch (spec.kind) {
    case 'synthetic-cifar':
      return syntheticCifar({
        nTrain: n(o, 'nTrain', 2000),
        nVal: n(o, 'nVal', 500),
        nTest: n(o, 'nTest', 0),
        classes: n(o, 'classes', 10),
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
      // The config's `n` rows and `valFraction` (default 0.2) are the generator's train and val sizes.
      const rows = n(o, 'n', 2000);
      const nVal = Math.round(rows * n(o, 'valFraction', 0.2));
      return syntheticTabular({
        nTrain: rows - nVal,
        nVal,
        nFeatures: n(o, 'nFeatures', 10),
        nInformative: n(o, 'nInformative', 5),
        classes: n(o, 'classes', 2),
        seed: dataSeed,
      });
    }
    case 'cifar10':
      return loadCifar10(spec.path as string, {
        testBatch: null,
        valFraction: n(o, 'valFraction', 0.2),
        seed: dataSeed,
      });
    case 'imdb':
      return loadImdb(spec.path as string, {
        vocabSize: n(o, 'vocabSize', 10000),
        maxLen: n(o, 'maxLen', 200),
        test: false,
        seed: dataSeed,
        valFraction: n(o, 'valFraction', 0.2),
        ...(o['maxPerClass'] !== undefined ? { maxPerClass: n(o, 'maxPerClass', 0) } : {}),
      });
    case 'csv': {
      const label = o['label'] as string | number;
      const delimiter = typeof o['delimiter'] === 'string' ? o['delimiter'] : ',';
      return splitTrain(await loadCsv(spec.path as string, { label, delimiter }), o, dataSeed);
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
  }
}

/**
 * Data for tuning runs: synthetic datasets with known, learnable structure (for tests, benchmarks and
 * examples that must not download anything) and loaders for the real formats. Everything is plain
 * typed arrays (`Dataset`); `toTensors` makes the tensors at training time.
 */
export type { Dataset, DatasetSplits } from './types';
export { numSamples, rowSize } from './types';
export { DatasetFormatError } from './errors';
export { toTensors } from './to-tensors';
export type { ToTensorsOptions } from './to-tensors';
export { subset, shuffleDataset, concatDatasets, permutation, balancedLabels } from './dataset-ops';
export { trainValTestSplit, stratifiedSplit, splitIndices, apportion } from './splits';
export type { StratifiedSplitOptions, TrainValTestSplitOptions } from './splits';

export { syntheticCifar, CIFAR_CLASS_ORDER } from './synthetic-cifar';
export type { SyntheticCifarOptions } from './synthetic-cifar';
export { syntheticImdb } from './synthetic-imdb';
export type { SyntheticImdbOptions, TemplateWeights } from './synthetic-imdb';
export { syntheticTabular } from './synthetic-tabular';
export type { SyntheticTabularOptions } from './synthetic-tabular';

export { loadCifar10, decodeCifar10Batch, CIFAR10_CLASS_NAMES } from './load-cifar10';
export type { LoadCifar10Options } from './load-cifar10';
export { loadImdb } from './load-imdb';
export type { LoadImdbOptions } from './load-imdb';
export { loadCsv } from './load-csv';
export type { LoadCsvOptions } from './load-csv';
export { parseCsv } from './csv-parse';
export type { CsvRecords } from './csv-parse';
export { tokenize, buildVocabulary, encodeDocuments, PAD_TOKEN, OOV_TOKEN } from './text';
export type { EncodeOptions, Padding } from './text';

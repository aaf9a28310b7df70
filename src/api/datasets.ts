/**
 * Datasets: typed arrays, not tensors (they post to workers and leak nothing): synthetic CIFAR-,
 * IMDb-style and tabular generators, loaders for CIFAR-10 binary batches, IMDb review folders and
 * CSV, and splits (`tune.datasets`).
 * @module datasets
 */
export type { Dataset, DatasetSplits } from '../../datasets/types';
export { numSamples, rowSize } from '../../datasets/types';
export { toTensors } from '../../datasets/to-tensors';
export type { ToTensorsOptions } from '../../datasets/to-tensors';
export { subset, shuffleDataset, concatDatasets, permutation, balancedLabels } from '../../datasets/dataset-ops';
export { trainValTestSplit, stratifiedSplit } from '../../datasets/splits';
export type { StratifiedSplitOptions, TrainValTestSplitOptions } from '../../datasets/splits';
export { syntheticCifar, CIFAR_CLASS_ORDER } from '../../datasets/synthetic-cifar';
export type { SyntheticCifarOptions } from '../../datasets/synthetic-cifar';
export { syntheticImdb } from '../../datasets/synthetic-imdb';
export type { SyntheticImdbOptions, TemplateWeights } from '../../datasets/synthetic-imdb';
export { syntheticTabular } from '../../datasets/synthetic-tabular';
export type { SyntheticTabularOptions } from '../../datasets/synthetic-tabular';
export { loadCifar10, decodeCifar10Batch, CIFAR10_CLASS_NAMES } from '../../datasets/load-cifar10';
export type { LoadCifar10Options } from '../../datasets/load-cifar10';
export { loadImdb } from '../../datasets/load-imdb';
export type { LoadImdbOptions } from '../../datasets/load-imdb';
export { loadCsv } from '../../datasets/load-csv';
export type { LoadCsvOptions } from '../../datasets/load-csv';
export { DEFAULT_MISSING_TOKENS } from '../../datasets/csv-columns';
export type { ColumnInfo } from '../../datasets/types';
export { fitPreprocessor } from '../../datasets/preprocess/fit';
export { applyPreprocessor, preprocessSplits, checkPreprocessor } from '../../datasets/preprocess/apply';
export { dataKind, resolvePreprocess } from '../../datasets/preprocess/options';
export type {
  DataKind,
  PreprocessOptions,
  PreprocessSpec,
  ResolvedPreprocessOptions,
} from '../../datasets/preprocess/options';
export type {
  CategoricalEncoding,
  ColumnEncoding,
  FittedPreprocessor,
  NumericEncoding,
} from '../../datasets/preprocess/fitted';
export { parseCsv } from '../../datasets/csv-parse';
export type { CsvRecords } from '../../datasets/csv-parse';
export { tokenize, buildVocabulary, encodeDocuments, PAD_TOKEN, OOV_TOKEN } from '../../datasets/text';
export type { EncodeOptions, Padding } from '../../datasets/text';

/**
 * Tuners: KerasTuner-style loops over `build(hp)` and sklearn-style search with cross-validation
 * (`tune.tuners`).
 * @module tuners
 */
export { HyperParameters } from '../tuners/hyperparameters';
export type { HpFloatOptions, HpIntOptions } from '../tuners/hyperparameters';
export { Tuner } from '../tuners/tuner';
export type { BuildModelFn, SearchArgs, TunerOptions } from '../tuners/tuner';
export type { TunerObjective, TunerObjectiveInput } from '../training/objective-spec';
export { RandomSearch } from '../tuners/random-search';
export { GridSearch } from '../tuners/grid-search';
export { BayesianOptimization } from '../tuners/bayesian-optimization';
export type { BayesianOptimizationOptions } from '../tuners/bayesian-optimization';
export { Hyperband } from '../tuners/hyperband';
export type { HyperbandOptions, HyperbandSearchArgs } from '../tuners/hyperband';
export { ASHA } from '../tuners/asha';
export type { ASHAOptions } from '../tuners/asha';
export { PopulationBasedTraining } from '../tuners/population-based-training';
export type { PopulationBasedTrainingOptions, PBTSearchArgs } from '../tuners/population-based-training';
export { PB2 } from '../tuners/pb2';
export type { PB2Options } from '../tuners/pb2';
export type { StoredExploit } from '../schedulers/pbt/stored-lineage';
export type { ExploitRecord } from '../schedulers/pbt/job-record';
export { BOHB } from '../tuners/bohb';
export type { BOHBOptions, BOHBModelOptions } from '../tuners/bohb';
export { BaseSearchCV } from '../tuners/search-cv';
export type { Estimator, ParamDistribution, SearchCVOptions } from '../tuners/search-cv';
export { GridSearchCV, RandomizedSearchCV, BayesSearchCV } from '../tuners/search-cv-variants';
export type { RandomizedSearchCVOptions } from '../tuners/search-cv-variants';
export type { CVResults } from '../tuners/cv-results';
export { DartsSearch } from '../tuners/darts-search';
export type { DartsSearchOptions, DartsSearchResult, RetrainOptions, RetrainResult } from '../tuners/darts-search';
export type {
  AlphaOptimizerOptions,
  BilevelOptions,
  ResolvedBilevelOptions,
  WeightOptimizerOptions,
} from '../nas/search/options';
export type { SearchEpoch } from '../nas/search/run-bilevel';

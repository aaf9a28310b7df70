export { HyperParameters, replaySuggestApi } from './hyperparameters';
export type { HpFloatOptions, HpIntOptions } from './hyperparameters';
export { Tuner } from './tuner';
export type { BuildModelFn, SearchArgs, TunerOptions } from './tuner';
export { RandomSearch } from './random-search';
export { GridSearch } from './grid-search';
export { enumerateGrid } from './grid-enumerator';
export { resolveObjective } from './objective-spec';
export type { TunerObjective, TunerObjectiveInput } from './objective-spec';

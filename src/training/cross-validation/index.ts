export type { Split } from './split';
export { kFold } from './k-fold';
export type { KFoldOptions } from './k-fold';
export { stratifiedKFold } from './stratified-k-fold';
export { timeSeriesSplit } from './time-series-split';
export type { TimeSeriesSplitOptions } from './time-series-split';
export { crossValScore } from './cross-val-score';
export type { CrossValScoreOptions, CrossValScoreResult, ScoreFn } from './cross-val-score';

/**
 * Cross-validation: k-fold, stratified and time-series splits, and `crossValScore`
 * (`tune.crossValidation`).
 * @module crossValidation
 */
export type { Split } from '../training/cross-validation/split';
export { kFold } from '../training/cross-validation/k-fold';
export type { KFoldOptions } from '../training/cross-validation/k-fold';
export { stratifiedKFold } from '../training/cross-validation/stratified-k-fold';
export { timeSeriesSplit } from '../training/cross-validation/time-series-split';
export type { TimeSeriesSplitOptions } from '../training/cross-validation/time-series-split';
export { crossValScore } from '../training/cross-validation/cross-val-score';
export type { CrossValScoreOptions, CrossValScoreResult, ScoreFn } from '../training/cross-validation/cross-val-score';

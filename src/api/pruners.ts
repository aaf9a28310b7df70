/**
 * Pruners: stop-only decisions for define-by-run objectives that call `trial.report` and
 * `trial.shouldPrune()` (`tune.pruners`).
 * @module pruners
 */
export type { Pruner } from '../pruners/base';
export { NopPruner } from '../pruners/nop';
export { DominatedPruner } from '../pruners/dominated';
export type { DominatedPrunerOptions } from '../pruners/dominated';
export { PercentilePruner } from '../pruners/percentile';
export type { PercentilePrunerOptions } from '../pruners/percentile';
export type { StepGateOptions } from '../pruners/step-gate';
export { MedianPruner } from '../pruners/median';
export { PatientPruner } from '../pruners/patient';
export type { PatientPrunerOptions } from '../pruners/patient';
export { ThresholdPruner } from '../pruners/threshold';
export type { ThresholdPrunerOptions } from '../pruners/threshold';
export { SuccessiveHalvingPruner } from '../pruners/successive-halving';
export type { SuccessiveHalvingPrunerOptions } from '../pruners/successive-halving';
export { HyperbandPruner } from '../pruners/hyperband';
export type { HyperbandPrunerOptions } from '../pruners/hyperband';

/**
 * What a study learned (`tune.analysis`): hypervolume of a set of points and of a study's Pareto
 * front over time; learning and validation curves of a HyperModel (scikit-learn's).
 * @module analysis
 */
export { hypervolume, hypervolumeHistory } from '../analysis/hypervolume';
export type { HypervolumeHistory } from '../analysis/hypervolume';
export { learningCurve, validationCurve } from '../analysis/learning-curve';
export type { CurveOptions, CurveScores, LearningCurve, ValidationCurve } from '../analysis/learning-curve';

/**
 * What a study learned (`tune.analysis`): hypervolume of a set of points and of a study's Pareto
 * front over time.
 * @module analysis
 */
export { hypervolume, hypervolumeHistory } from '../analysis/hypervolume';
export type { HypervolumeHistory } from '../analysis/hypervolume';

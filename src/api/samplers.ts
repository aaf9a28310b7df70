/**
 * Samplers: the algorithms that choose each trial's parameters (`tune.samplers`).
 *
 * Every sampler takes an optional `seed`; without one it is seeded from the study's seed, so one
 * seed reproduces a study.
 * @module samplers
 */
export type { Sampler, ConstraintsFunc } from '../samplers/base';
export type { StudyView } from '../study/study-view';
export { RandomSampler } from '../samplers/random';
export type { RandomSamplerOptions } from '../samplers/random';
export { GridSampler } from '../samplers/grid';
export type { GridSamplerOptions, GridSearchSpace } from '../samplers/grid';
export { TPESampler } from '../samplers/tpe/sampler';
export type { TPESamplerOptions } from '../samplers/tpe/options';
export { QMCSampler } from '../samplers/qmc';
export type { QMCSamplerOptions, QMCType } from '../samplers/qmc';
export { GPSampler } from '../samplers/gp';
export type { GPSamplerOptions, GPStartup } from '../samplers/gp';
export type { AcquisitionName } from '../gp/acquisition';
export type { KernelName } from '../gp/kernels';
export type { BatchStrategy } from '../gp/suggest';
export { CmaEsSampler } from '../samplers/cmaes/sampler';
export type { CmaEsSamplerOptions } from '../samplers/cmaes/options';
export type { CmaEsState } from '../samplers/cmaes/replay';
export { EvolutionSampler } from '../samplers/evolution/sampler';
export type { EvolutionSamplerOptions, EvolutionSelection, EvolutionCrossover } from '../samplers/evolution/options';
export { BOHBSampler } from '../samplers/bohb/sampler';
export type { BOHBSamplerOptions } from '../samplers/bohb/sampler';
export { NSGAIISampler } from '../samplers/nsgaii/sampler';
export type { NSGAIISamplerOptions } from '../samplers/nsgaii/sampler';
export type { GeneticSamplerOptions, CrossoverName, ResolvedGeneticOptions } from '../samplers/nsgaii/options';
export {
  UniformCrossover,
  BLXAlphaCrossover,
  SBXCrossover,
  VSBXCrossover,
  UNDXCrossover,
  SPXCrossover,
} from '../samplers/nsgaii/crossovers';
export type { Crossover, CrossoverContext } from '../samplers/nsgaii/crossovers';
export { AutoSampler } from '../samplers/auto';
export type { AutoSamplerOptions, AutoChoice } from '../samplers/auto';
export { NSGAIIISampler } from '../samplers/nsgaiii/sampler';
export type { NSGAIIISamplerOptions } from '../samplers/nsgaiii/sampler';

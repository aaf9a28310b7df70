export type { Sampler } from './base';
export { RandomSampler } from './random';
export type { RandomSamplerOptions } from './random';
export { GridSampler } from './grid';
export type { GridSamplerOptions, GridSearchSpace } from './grid';

export type { Pruner } from './base';
export { NopPruner } from './nop';
export { PercentilePruner } from './percentile';
export type { PercentilePrunerOptions } from './percentile';
export { MedianPruner } from './median';

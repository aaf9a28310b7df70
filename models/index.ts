export { mlp } from './mlp';
export { cnn } from './cnn';
export { lstm, bagOfEmbeddings } from './lstm';
export { OPTIMIZERS, makeOptimizer } from './common';
export { SeededDropout, seededDropout } from './seeded-dropout';
export type { SeededDropoutArgs } from './seeded-dropout';

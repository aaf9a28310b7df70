/**
 * The model zoo: HyperModels (`space(trial)`, `build(params, ctx)`, `defaults`) — mlp, cnn, lstm, the
 * bag of embeddings, and `auto`, which makes the family a parameter — and `objectiveFor`, which turns
 * a HyperModel and a dataset into a study objective (`tune.models`).
 * @module models
 */
export { mlp } from '../../models/mlp';
export { cnn } from '../../models/cnn';
export { lstm, bagOfEmbeddings } from '../../models/lstm';
export { auto, dataKindOf, familyParamName, AUTO_FAMILIES, AUTO_FAMILY_PARAM } from '../../models/auto';
export type { AutoModelOptions, DataKind } from '../../models/auto';
export { OPTIMIZERS, makeOptimizer } from '../../models/common';
export { SeededDropout, seededDropout } from '../../models/seeded-dropout';
export type { SeededDropoutArgs } from '../../models/seeded-dropout';
export { objectiveFor } from '../training/objective-for';
export type { ObjectiveForOptions, ZooObjective } from '../training/objective-for';
export { disposeModel } from '../training/dispose-model';

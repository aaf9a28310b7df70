/**
 * The model zoo: HyperModels (`space(trial)`, `build(params, ctx)`, `defaults`) — mlp, cnn, lstm, the
 * bag of embeddings, darts (a DARTS cell network; its genotype a set of parameters, or fixed), and
 * `auto`, which makes the family a parameter — DARTS' genotypes, and `objectiveFor`, which turns
 * a HyperModel and a dataset into a study objective (`tune.models`).
 * @module models
 */
export { mlp } from '../../models/mlp';
export { cnn } from '../../models/cnn';
export { lstm, bagOfEmbeddings } from '../../models/lstm';
export { darts, dartsHyperModel } from '../../models/darts';
export type { DartsHyperModelOptions } from '../../models/darts';
export {
  DARTS_V2,
  GENOTYPE_OPS,
  deriveGenotype,
  formatGenotype,
  genotypeFromJson,
  genotypeToJson,
  skipCount,
  validateGenotype,
} from '../nas/genotype';
export type { CellGenotype, Genotype, GenotypeEdge } from '../nas/genotype';
export { genotypeFromParams, genotypeParams, suggestGenotype } from '../nas/genotype-space';
export { PRIMITIVES } from '../nas/primitives';
export type { Primitive } from '../nas/primitives';
export { DartsNetwork } from '../nas/darts-layers';
export type { DartsNetworkArgs, DartsLayerArgs } from '../nas/darts-layers';
export { dartsModel, dartsNetworkOf } from '../nas/darts-model';
export type { DartsModelOptions } from '../nas/darts-model';
export type { NetworkShape } from '../nas/cells';
export { auto, dataKindOf, familyParamName, AUTO_FAMILIES, AUTO_FAMILY_PARAM } from '../../models/auto';
export type { AutoModelOptions, DataKind } from '../../models/auto';
export { OPTIMIZERS, makeOptimizer } from '../../models/common';
export { SeededDropout, seededDropout } from '../../models/seeded-dropout';
export type { SeededDropoutArgs } from '../../models/seeded-dropout';
export { objectiveFor } from '../training/objective-for';
export type { ObjectiveForOptions, ZooObjective } from '../training/objective-for';
export { disposeModel } from '../training/dispose-model';

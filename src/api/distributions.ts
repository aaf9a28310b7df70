/**
 * Distributions: the parameter spaces `suggest*` records, as Optuna's (`tune.distributions`).
 * @module distributions
 */
export {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  distributionFromJson,
  distributionsCompatible,
} from '../space/distributions';
export type {
  CategoricalChoice,
  Distribution,
  DistributionBase,
  DistributionJson,
  ParamValue,
} from '../space/distributions';

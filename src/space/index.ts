export {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  distributionFromJson,
  distributionsCompatible,
  distributionsEqual,
} from './distributions';
export type { CategoricalChoice, Distribution, DistributionBase, DistributionJson, ParamValue } from './distributions';
export { sampleUniform } from './sample-uniform';

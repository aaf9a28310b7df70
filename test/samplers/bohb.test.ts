import { BOHBSampler } from '../../src/samplers/bohb/sampler';
import { describeSamplerContract } from '../../src/testing';

// Outside a Hyperband study every trial counts at budget 0; the model takes over after d + 1 results.
describeSamplerContract('BOHBSampler', (seed) => new BOHBSampler({ seed }), { multiObjective: false });
describeSamplerContract('BOHBSampler, always the model', (seed) => new BOHBSampler({ seed, randomFraction: 0 }), {
  multiObjective: false,
});

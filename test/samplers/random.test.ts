import * as tune from '../../src';
import { describeSamplerContract } from './sampler-contract';

describeSamplerContract('RandomSampler', (seed) => new tune.samplers.RandomSampler({ seed }));

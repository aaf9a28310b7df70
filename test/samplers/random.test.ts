import * as tune from '../../src';
import { describeSamplerContract } from '../../src/testing';

describeSamplerContract('RandomSampler', (seed) => new tune.samplers.RandomSampler({ seed }));

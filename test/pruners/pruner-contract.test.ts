import * as tune from '../../src';
import { describePrunerContract } from '../../src/testing';

// Every pruner the package ships.
describePrunerContract('NopPruner', () => new tune.NopPruner(), { prunes: false });
describePrunerContract('MedianPruner', () => new tune.MedianPruner({ nStartupTrials: 3 }));
describePrunerContract(
  'PercentilePruner 25',
  () => new tune.PercentilePruner(25, { nStartupTrials: 3, nWarmupSteps: 1 }),
);
describePrunerContract(
  'PatientPruner over MedianPruner',
  () => new tune.PatientPruner(new tune.MedianPruner({ nStartupTrials: 3 }), { patience: 1 }),
);
describePrunerContract('ThresholdPruner', (direction) =>
  direction === 'maximize' ? new tune.ThresholdPruner({ lower: -2 }) : new tune.ThresholdPruner({ upper: 2 }),
);
describePrunerContract('SuccessiveHalvingPruner', () => new tune.SuccessiveHalvingPruner({ minResource: 1 }));
describePrunerContract('HyperbandPruner', () => new tune.HyperbandPruner({ minResource: 1, maxResource: 8 }));

import * as tune from '../../src';
import { describePrunerContract } from '../../src/testing';

// Every pruner the package ships.
describePrunerContract('NopPruner', () => new tune.pruners.NopPruner(), { prunes: false });
describePrunerContract('MedianPruner', () => new tune.pruners.MedianPruner({ nStartupTrials: 3 }));
describePrunerContract(
  'PercentilePruner 25',
  () => new tune.pruners.PercentilePruner(25, { nStartupTrials: 3, nWarmupSteps: 1 }),
);
describePrunerContract(
  'PatientPruner over MedianPruner',
  () => new tune.pruners.PatientPruner(new tune.pruners.MedianPruner({ nStartupTrials: 3 }), { patience: 1 }),
);
describePrunerContract('ThresholdPruner', (direction) =>
  direction === 'maximize'
    ? new tune.pruners.ThresholdPruner({ lower: -2 })
    : new tune.pruners.ThresholdPruner({ upper: 2 }),
);
describePrunerContract('SuccessiveHalvingPruner', () => new tune.pruners.SuccessiveHalvingPruner({ minResource: 1 }));
describePrunerContract('HyperbandPruner', () => new tune.pruners.HyperbandPruner({ minResource: 1, maxResource: 8 }));
describePrunerContract('DominatedPruner', () => new tune.pruners.DominatedPruner({ nStartupTrials: 3 }));

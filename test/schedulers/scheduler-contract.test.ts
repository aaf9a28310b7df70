import { ASHAScheduler } from '../../src/schedulers/asha';
import { HyperbandScheduler } from '../../src/schedulers/hyperband';
import { describeSchedulerContract } from '../../src/testing';

// Every scheduler the package ships (PBT's joins with its scheduler).
describeSchedulerContract('HyperbandScheduler', () => new HyperbandScheduler({ maxEpochs: 9, factor: 3 }));
describeSchedulerContract(
  'HyperbandScheduler, 2 iterations from 3 epochs',
  () => new HyperbandScheduler({ maxEpochs: 9, factor: 3, minEpochs: 3, iterations: 2 }),
);
describeSchedulerContract('ASHAScheduler', () => new ASHAScheduler({ maxEpochs: 9, factor: 3, maxTrials: 12 }));

import { ASHAScheduler } from '../../src/schedulers/asha';
import { HyperbandScheduler } from '../../src/schedulers/hyperband';
import { pb2Explorer } from '../../src/schedulers/pb2/pb2-explorer';
import { PBTScheduler } from '../../src/schedulers/pbt/pbt-scheduler';
import { FloatDistribution } from '../../src/space/distributions';
import { describeSchedulerContract } from '../../src/testing';

// Every scheduler the package ships.
describeSchedulerContract('HyperbandScheduler', () => new HyperbandScheduler({ maxEpochs: 9, factor: 3 }));
describeSchedulerContract(
  'HyperbandScheduler, 2 iterations from 3 epochs',
  () => new HyperbandScheduler({ maxEpochs: 9, factor: 3, minEpochs: 3, iterations: 2 }),
);
describeSchedulerContract('ASHAScheduler', () => new ASHAScheduler({ maxEpochs: 9, factor: 3, maxTrials: 12 }));

const x = new FloatDistribution(0, 1);
const pbt = (synch: boolean) => () =>
  new PBTScheduler({
    populationSize: 4,
    perturbationInterval: 2,
    totalEpochs: 8,
    hyperparamMutations: { x },
    initialParams: (member) => ({ x: member / 4 }),
    synch,
    seed: 3,
  });
// Under the contract's flat curve every member ties, and PBT breaks ties by trial number: a crashed
// job redone under a new number may change who exploits whom, so only the job shapes may differ.
const tiesByNumber = { sameShapesAfterCrash: false };
describeSchedulerContract('PBTScheduler', pbt(false), tiesByNumber);
describeSchedulerContract('PBTScheduler, synchronous', pbt(true), tiesByNumber);
describeSchedulerContract(
  'PBTScheduler with PB2’s explore',
  () =>
    new PBTScheduler({
      populationSize: 4,
      perturbationInterval: 2,
      totalEpochs: 8,
      hyperparamMutations: { x },
      initialParams: (member) => ({ x: member / 4 }),
      explorer: pb2Explorer(),
      seed: 3,
    }),
  tiesByNumber,
);

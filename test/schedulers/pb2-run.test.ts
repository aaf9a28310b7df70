import * as tf from '@tensorflow/tfjs';

import { Rng } from '../../src/random/rng';
import { CategoricalDistribution, FloatDistribution } from '../../src/space/distributions';
import type { Explorer, ExploreContext } from '../../src/schedulers/pbt/explorer';
import { runPBT } from '../../src/schedulers/pbt/run-pbt';
import { pb2Explorer } from '../../src/schedulers/pb2/pb2-explorer';
import { lrScheduleMember } from '../../benchmarks/pbt/lr-schedule-problem';
import { useBackend } from '../gp/helpers';

const lr = new FloatDistribution(0.0001, 0.02);
const factor = new CategoricalDistribution([1, 2]);

async function run(seed: number, seen: ExploreContext[] = []) {
  const inner = pb2Explorer();
  const explorer: Explorer = (context) => {
    seen.push(context);
    return inner(context);
  };
  const noise = new Rng(seed).derive('noise');
  return runPBT<number>({
    populationSize: 4,
    perturbationInterval: 4,
    totalSteps: 40,
    synch: true,
    seed,
    hyperparamMutations: { lr, some_other_factor: factor },
    initialParams: (_id, rng) => ({ lr: rng.uniform(0.0001, 0.02), some_other_factor: 1 }),
    createMember: (id) => lrScheduleMember(noise.derive(id), () => undefined),
    explorer,
  });
}

describe('PB2 in a PBT run', () => {
  beforeAll(async () => useBackend('cpu'));

  it('one seed repeats the run; every explore stays in bounds; the loop hands PB2 the population and the reward', async () => {
    const before = tf.memory().numTensors;
    const seen: ExploreContext[] = [];
    const a = await run(3, seen);
    const b = await run(3);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.lineage.length).toBeGreaterThan(4);
    expect(b.lineage.map((e) => e.paramsAfter)).toEqual(a.lineage.map((e) => e.paramsAfter));
    for (const event of a.lineage) {
      expect(lr.containsInternal(event.paramsAfter.lr as number)).toBe(true);
      expect([1, 2]).toContain(event.paramsAfter.some_other_factor);
    }
    for (const context of seen) {
      expect(context.population).toHaveLength(4);
      expect(Number.isFinite(context.reward)).toBe(true);
    }
  });
});

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { FloatDistribution } from '../../src/space/distributions';
import { readOptimizerState } from '../../src/training/checkpoint/optimizer-state';
import { runPBT } from '../../src/schedulers/pbt/run-pbt';
import { checkLiveMutable, zooMember, type ZooMemberState } from '../../src/schedulers/pbt/zoo-member';

const data = tune.datasets.syntheticCifar({ nTrain: 32, nVal: 16, classes: 2, imageSize: 8, seed: 3 });
const params = { num_blocks: 1, filters: 4, dense_units: 8, batch_size: 16, optimizer: 'adam', dropout: 0 };

beforeAll(async () => {
  await tune.initBackend();
});

async function optimizerValues(model: tf.LayersModel): Promise<number[][]> {
  const state = await readOptimizerState(model.optimizer);
  const values = state.weights.map((w) => Array.from(w.tensor.dataSync()));
  state.release();
  return values;
}

describe('zoo PBT member', () => {
  it('exploit copies weights and optimizer state in memory: the recipient predicts and steps as the donor', async () => {
    const donor = zooMember({ hyperModel: tune.models.cnn, data, params, seed: 1 });
    const recipient = zooMember({ hyperModel: tune.models.cnn, data, params, seed: 2 });
    await donor.train({ learning_rate: 0.01 }, 0, 2);
    await recipient.train({ learning_rate: 0.001 }, 0, 1);
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 7);
    const before = (recipient.model.predict(x) as tf.Tensor).arraySync();
    await recipient.setState(await donor.getState());
    const donorOut = (donor.model.predict(x) as tf.Tensor).dataSync();
    const recipientOut = (recipient.model.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(recipientOut)).toEqual(Array.from(donorOut));
    expect((recipient.model.predict(x) as tf.Tensor).arraySync()).not.toEqual(before);
    expect(await optimizerValues(recipient.model)).toEqual(await optimizerValues(donor.model));
    // One more epoch each keeps them together: the Adam slots and step count came along (each member
    // keeps its own seeded data order, so batches are summed in another order: equal to rounding).
    await donor.train({ learning_rate: 0.01 }, 2, 3);
    await recipient.train({ learning_rate: 0.01 }, 2, 3);
    const a = Array.from((recipient.model.predict(x) as tf.Tensor).dataSync());
    const b = Array.from((donor.model.predict(x) as tf.Tensor).dataSync());
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    tf.dispose(x);
    donor.dispose();
    recipient.dispose();
  });

  it('with dropout and one data seed, the recipient goes on bit for bit as the donor (mask streams come along)', async () => {
    const withDropout = { ...params, dropout: 0.3 };
    const donor = zooMember({ hyperModel: tune.models.cnn, data, params: withDropout, seed: 1, dataSeed: 9 });
    const recipient = zooMember({ hyperModel: tune.models.cnn, data, params: withDropout, seed: 2, dataSeed: 9 });
    await donor.train({ learning_rate: 0.01 }, 0, 2);
    await recipient.train({ learning_rate: 0.01 }, 0, 1);
    await recipient.setState(await donor.getState());
    await donor.train({ learning_rate: 0.01, dropout: 0.3 }, 2, 4);
    await recipient.train({ learning_rate: 0.01, dropout: 0.3 }, 2, 4);
    const weights = (m: typeof donor) => m.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(recipient)).toEqual(weights(donor));
    donor.dispose();
    recipient.dispose();
  });

  it('refuses a mutation that would change the architecture, naming it', () => {
    expect(() => checkLiveMutable(['learning_rate', 'filters'])).toThrow(/hyperparamMutations\.filters/);
    expect(() => checkLiveMutable(['learning_rate', 'dropout', 'batch_size'])).not.toThrow();
  });

  it('keeps tf.memory().numTensors flat across 50 exploits in an 8-member CNN population', async () => {
    const baseline = tf.memory().numTensors;
    const atExploit: number[] = [];
    const members: ReturnType<typeof zooMember>[] = [];
    const run = await runPBT<ZooMemberState>({
      populationSize: 8,
      perturbationInterval: 1,
      totalSteps: 26,
      synch: true,
      seed: 0,
      hyperparamMutations: { learning_rate: new FloatDistribution(1e-4, 1e-1, true) },
      createMember: (id, p) => {
        const m = zooMember({ hyperModel: tune.models.cnn, data, params: { ...params, ...p }, seed: id });
        members.push(m);
        return m;
      },
      onExploit: () => atExploit.push(tf.memory().numTensors),
    });
    expect(run.lineage.length).toBeGreaterThanOrEqual(50);
    expect(new Set(atExploit.slice(1)).size).toBe(1);
    for (const m of members) m.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

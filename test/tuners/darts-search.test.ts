import * as tf from '@tensorflow/tfjs';

import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { validateGenotype } from '../../src/nas/genotype';
import { ThresholdPruner } from '../../src/pruners/threshold';
import { InMemoryStorage } from '../../src/storage/memory';
import { loadStudy } from '../../src/study/create-study';
import { initBackend } from '../../src/training/backend';
import { DartsSearch } from '../../src/tuners/darts-search';

const data = () => syntheticCifar({ nTrain: 8, nVal: 8, classes: 3, imageSize: 8, seed: 4 });
const TINY = { channels: 4, cells: 1, epochs: 2, batchSize: 8 } as const;

describe('tune.tuners.DartsSearch (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('stores each epoch in its trial, returns the genotype, and retrains it from scratch', async () => {
    const base = tf.memory().numTensors;
    const search = new DartsSearch({ ...TINY, seed: 3 });
    const result = await search.search(data());
    const trial = result.bestTrial;
    expect(trial.state).toBe('COMPLETE');
    expect([...trial.intermediateValues.keys()]).toEqual([0, 1]);
    expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(result.epochs[1]!.learning_rate).toBeCloseTo(0.001 + (0.025 - 0.001) / 2, 12); // cosine, halfway
    expect(validateGenotype(trial.userAttrs['genotype'])).toEqual(result.genotype);
    expect(trial.userAttrs['stopped']).toBe('completed');
    const retrained = await search.retrain(result.genotype, data(), { epochs: 1, cells: 3 });
    expect(retrained.trial.state).toBe('COMPLETE');
    expect(retrained.valAcc).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('is prunable like any trial: the pruner sees each epoch', async () => {
    const storage = new InMemoryStorage();
    const search = new DartsSearch({ ...TINY, storage, studyName: 'darts', pruner: new ThresholdPruner({ lower: 2 }) });
    await expect(search.search(data())).rejects.toThrow(/no DARTS search completed/);
    const [trial] = (await loadStudy({ storage, studyName: 'darts' })).trials;
    expect(trial?.state).toBe('PRUNED');
    expect([...trial!.intermediateValues.keys()]).toEqual([0]);
  });

  it('refuses unknown and bad options by name', () => {
    expect(() => new DartsSearch({ epoch: 3 } as never)).toThrow(
      /DartsSearch\.epoch: got "epoch"; expected one of epochs, batchSize/,
    );
    expect(() => new DartsSearch({ cells: 0 })).toThrow(/DartsSearch\.cells: got 0; expected a positive integer/);
    expect(() => new DartsSearch({ alpha: { learningRate: -1 } })).toThrow(/DartsSearch\.alpha\.learningRate: got -1/);
  });
});

import * as tf from '@tensorflow/tfjs';

import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { darts, dartsHyperModel } from '../../models/darts';
import { dartsNetworkOf } from '../../src/nas/darts-model';
import { DARTS_V2, skipCount } from '../../src/nas/genotype';
import { genotypeFromParams } from '../../src/nas/genotype-space';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import { createStudy } from '../../src/study/create-study';
import { initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { objectiveFor } from '../../src/training/objective-for';

describe('models.darts (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('lets an ordinary sampler search genotypes: TPE over the 24 categoricals', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: new TPESampler({ seed: 3, nStartupTrials: 5 }) });
    // A stand-in score with a known best (every normal edge a skip): no training needed to see TPE learn.
    await study.optimize((trial) => skipCount(genotypeFromParams(darts.space(trial)).normal), { nTrials: 30 });
    const values = study.trials.map((t) => t.values?.[0] ?? 0);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(values.slice(20))).toBeGreaterThan(mean(values.slice(0, 5)));
    expect(Object.keys(study.trials[0]!.params)).toEqual(
      expect.arrayContaining(['normal_node3_op1', 'reduce_node0_inputs']),
    );
  });

  it('trains a sampled genotype through objectiveFor and leaves no tensor behind', async () => {
    const data = syntheticCifar({ nTrain: 24, nVal: 12, classes: 3, imageSize: 8, seed: 1 });
    const base = tf.memory().numTensors;
    const study = await createStudy({ direction: 'maximize', seed: 2 });
    const space = (trial: Parameters<typeof darts.space>[0]) => ({
      ...dartsHyperModel({ channels: 4, cells: 3 }).space(trial),
      batch_size: 8,
    });
    await study.optimize(objectiveFor(dartsHyperModel({ channels: 4, cells: 3 }), data, { epochs: 1, space }), {
      nTrials: 1,
    });
    const [trial] = study.trials;
    expect(trial?.state).toBe('COMPLETE');
    expect(trial?.values?.[0]).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('builds a fixed genotype (no genotype parameters) and refuses a non-classifier context', () => {
    const fixed = dartsHyperModel({ genotype: DARTS_V2, channels: 4, cells: 3 });
    const asked: string[] = [];
    fixed.space({
      suggestFloat: (name, low) => (asked.push(name), low),
      suggestInt: (name, low) => (asked.push(name), low),
      suggestCategorical: (name, choices) => (asked.push(name), choices[0]!),
    });
    expect(asked).toEqual(['learning_rate', 'optimizer', 'batch_size']);
    const model = fixed.build(fixed.defaults, { inputShape: [8, 8, 3], numClasses: 3, seed: 1 });
    expect(dartsNetworkOf(model).genotype).toEqual(DARTS_V2);
    disposeModel(model);
    expect(() => darts.build(darts.defaults, { inputShape: [8, 8, 3], numClasses: 0, seed: 1 })).toThrow(
      /numClasses: got 0/,
    );
    expect(() => dartsHyperModel({ channels: 0 })).toThrow(/channels: got 0; expected a positive integer/);
  });
});

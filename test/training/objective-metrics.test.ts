import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { syntheticTabular } from '../../datasets/synthetic-tabular';
import { trainValTestSplit } from '../../datasets/splits';

beforeAll(async () => {
  await tune.initBackend();
});

function tinyTable(): tune.datasets.DatasetSplits {
  const all = syntheticTabular({ nTrain: 160, nVal: 0, nFeatures: 5, nInformative: 3, classes: 2, seed: 7 }).train;
  return trainValTestSplit(all, { valFraction: 0.25, seed: 7 });
}

describe('objectiveFor with several metrics', () => {
  it('returns val_acc at the best epoch, the parameter count and a measured inference time, and reports vectors', async () => {
    const data = tinyTable();
    const objective = tune.models.objectiveFor(tune.models.mlp, data, {
      epochs: 3,
      metrics: ['val_acc', 'params', { name: 'inference_ms', direction: 'min' }],
    });
    expect(objective.metrics).toEqual(['val_acc', 'params', 'inference_ms']);
    expect(objective.directions).toEqual(['maximize', 'minimize', 'minimize']);
    expect(objective.monitor).toBe('val_acc');
    const study = await tune.createStudy({
      directions: [...objective.directions],
      seed: 3,
      sampler: new tune.samplers.RandomSampler({ seed: 3 }),
      logger: tune.logging.silentLogger,
    });
    const base = tf.memory().numTensors;
    const counts: number[] = [];
    await study.optimize(objective, { nTrials: 3, callbacks: [() => void counts.push(tf.memory().numTensors)] });
    expect(counts).toEqual([base, base, base]);
    const complete = study.getTrials({ states: ['COMPLETE'] });
    expect(complete).toHaveLength(3);
    for (const t of complete) {
      const [acc, params, ms] = t.values as number[];
      const logs = t.userAttrs['best_epoch_logs'] as Record<string, number>;
      expect(acc).toBe(logs['val_acc']);
      // The MLP's own parameter count: rebuild it from the trial's params and count.
      const model = tune.models.mlp.build(t.params, { inputShape: [5], numClasses: 2, seed: 0 });
      expect(params).toBe(model.countParams());
      model.dispose();
      expect(t.userAttrs['params']).toBe(params);
      expect(ms).toBeGreaterThan(0);
      expect(Number.isFinite(ms)).toBe(true);
      // One vector per epoch, its first component the scalar intermediate value.
      expect([...t.intermediateVectors.keys()]).toEqual([0, 1, 2]);
      for (const [step, vector] of t.intermediateVectors) {
        expect(vector).toHaveLength(3);
        expect(vector[0]).toBe(t.intermediateValues.get(step));
        expect(vector[1]).toBe(params);
        expect(vector[2]).toBe(ms);
      }
    }
    expect(study.bestTrials.length).toBeGreaterThan(0);
  }, 60_000);

  it('refuses one metric, a name twice, and model metrics alone, naming the field', () => {
    const data = tinyTable();
    const make = (metrics: tune.tuners.TunerObjectiveInput[]) => () =>
      tune.models.objectiveFor(tune.models.mlp, data, { epochs: 1, metrics });
    expect(make(['val_acc'])).toThrow(/metrics: .*at least two metrics/);
    expect(make(['val_acc', 'val_acc'])).toThrow(/metrics: .*"val_acc" twice/);
    expect(make(['params', 'inference_ms'])).toThrow(/metrics: .*at least one metric from the fit logs/);
    expect(make(['val_acc', { name: 'params', direction: 'up' as never }])).toThrow(
      /objective\.direction.*'min' or 'max'/,
    );
  });

  it('a metric missing from the fit logs fails the trial with the names that are there', async () => {
    const data = tinyTable();
    const objective = tune.models.objectiveFor(tune.models.mlp, data, { epochs: 1, metrics: ['val_acc', 'val_auc'] });
    const study = await tune.createStudy({
      directions: [...objective.directions],
      seed: 1,
      logger: tune.logging.silentLogger,
    });
    await study.optimize(objective, { nTrials: 1 });
    const [t] = study.trials;
    expect(t?.state).toBe('FAIL');
    expect(t?.failReason).toMatch(/monitor "val_auc" is not in the epoch logs; available: .*val_acc/);
  }, 30_000);
});

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../../src';
import { TrialPruned } from '../../../src/errors';
import { disposeModel } from '../../../src/training/dispose-model';
import * as callbacks from '../../../src/api/callbacks';
import { blobs, tinyClassifier, useCpu } from './fixtures';

beforeAll(useCpu);

/** A trial adapter that records reports and prunes once `pruneAtStep` was reported. */
function fakeTrial(
  pruneAtStep: number | null,
): { reports: Array<[number | readonly number[], number]> } & callbacks.TrialReporter {
  const reports: Array<[number | readonly number[], number]> = [];
  return {
    reports,
    report: (v, s) => void reports.push([v, s]),
    shouldPrune: () => pruneAtStep !== null && reports.some(([, s]) => s === pruneAtStep),
  };
}

describe('reportToTrial', () => {
  it('reports each epoch and stops fit when the pruner says so', async () => {
    const { x, y } = blobs(16);
    const before = tf.memory().numTensors;
    const model = tinyClassifier(1);
    const trial = fakeTrial(2);
    const cb = callbacks.reportToTrial(trial, { monitor: 'loss' });
    const h = await model.fit(x, y, { epochs: 10, verbose: 0, shuffle: false, callbacks: [cb] });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(trial.reports.map(([, s]) => s)).toEqual([0, 1, 2]);
    expect(trial.reports.map(([v]) => v)).toEqual(h.history['loss']);
    expect(cb.pruned).toBe(true);
    expect(cb.prunedEpoch).toBe(2);
    expect(() => cb.throwIfPruned()).toThrow(TrialPruned);
    expect(() => cb.throwIfPruned()).toThrow(/pruned at epoch 2 \(step 2\) with loss = /);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('stepOffset shifts the steps (resumed fits with initialEpoch); no prune, no throw', async () => {
    const { x, y } = blobs(16);
    const model = tinyClassifier(1);
    const trial = fakeTrial(null);
    const cb = callbacks.reportToTrial(trial, { monitor: 'val_loss', stepOffset: 10 });
    await model.fit(x, y, { epochs: 5, initialEpoch: 3, verbose: 0, validationData: [x, y], callbacks: [cb] });
    expect(trial.reports.map(([, s]) => s)).toEqual([13, 14]);
    expect(cb.pruned).toBe(false);
    expect(() => cb.throwIfPruned()).not.toThrow();
    disposeModel(model);
    tf.dispose([x, y]);
  });

  it('a list of monitors reports one vector per epoch, fixed values included', async () => {
    const { x, y } = blobs(16);
    const before = tf.memory().numTensors;
    const model = tinyClassifier(1);
    const trial = fakeTrial(1);
    const cb = callbacks.reportToTrial(trial, { monitor: ['val_acc', 'params', 'loss'], fixed: { params: 42 } });
    const h = await model.fit(x, y, { epochs: 4, verbose: 0, validationData: [x, y], callbacks: [cb] });
    expect(h.epoch).toEqual([0, 1]);
    expect(trial.reports).toEqual([0, 1].map((e) => [[h.history['val_acc']![e], 42, h.history['loss']![e]], e]));
    expect(cb.lastValue).toBe(h.history['val_acc']![1]);
    expect(() => cb.throwIfPruned()).toThrow(/with val_acc,params,loss = /);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('refuses an empty list of monitors, naming the field', () => {
    expect(() => callbacks.reportToTrial(fakeTrial(null), { monitor: [] })).toThrow(/reportToTrial\.monitor/);
  });

  it('a missing monitor names it and hints at validation data', async () => {
    const { x, y } = blobs(8);
    const model = tinyClassifier(1);
    const cb = callbacks.reportToTrial(fakeTrial(null));
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [cb] })).rejects.toThrow(
      /reportToTrial: monitor "val_loss" is not in the epoch logs; available: acc, loss \(val_\* metrics need validationData/,
    );
    disposeModel(model);
    tf.dispose([x, y]);
  });

  it('validates its arguments', () => {
    expect(() => callbacks.reportToTrial(fakeTrial(null), { stepOffset: -1 })).toThrow(/stepOffset/);
    expect(() => callbacks.reportToTrial({} as callbacks.TrialReporter)).toThrow(/report\(\) and shouldPrune\(\)/);
  });
});

describe('reportToTrial inside study.optimize', () => {
  it('a pruned fit leaves the trial PRUNED with its intermediate values', async () => {
    const { x, y } = blobs(24);
    const { x: xv, y: yv } = blobs(12, 4, 2);
    const before = tf.memory().numTensors;
    const study = await tune.createStudy({
      pruner: new tune.pruners.MedianPruner({ nStartupTrials: 2 }),
      logger: tune.logging.silentLogger,
      seed: 0,
    });
    for (const lr of [0.5, 0.5, 0]) await study.enqueueTrial({ lr });
    await study.optimize(
      async (trial) => {
        const model = tinyClassifier(7, tf.train.sgd(trial.suggestFloat('lr', 0, 1)));
        try {
          const report = callbacks.reportToTrial(trial, { monitor: 'val_loss' });
          const h = await model.fit(x, y, {
            epochs: 4,
            verbose: 0,
            shuffle: false,
            validationData: [xv, yv],
            callbacks: [report],
          });
          report.throwIfPruned();
          return (h.history['val_loss'] as number[]).at(-1) as number;
        } finally {
          disposeModel(model);
        }
      },
      { nTrials: 3 },
    );
    const [a, b, c] = study.trials;
    expect(a?.state).toBe('COMPLETE');
    expect(b?.state).toBe('COMPLETE');
    expect(a?.intermediateValues.size).toBe(4);
    expect(c?.state).toBe('PRUNED');
    // lr = 0 never learns: already worse than the median at step 0.
    expect([...(c?.intermediateValues.keys() ?? [])]).toEqual([0]);
    expect(c?.values).toEqual([c?.intermediateValues.get(0)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, xv, yv]);
  });
});

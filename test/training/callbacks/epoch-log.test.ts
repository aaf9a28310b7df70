import * as tf from '@tensorflow/tfjs';

import { EPOCH_LOG_KEY, epochLog, RUN_INFO_KEY, workerName } from '../../../src/training/callbacks/epoch-log';
import { learningRateSchedule, parameterSchedule } from '../../../src/training/callbacks/schedule-callbacks';
import { disposeModel } from '../../../src/training/dispose-model';
import type { JsonValue } from '../../../src/trial/json';
import { blobs, tinyClassifier, useCpu } from './fixtures';

beforeAll(useCpu);

describe('epochLog', () => {
  it('stores every metric fit computes and the epoch time, each epoch, with the run info', async () => {
    const { x, y } = blobs(24);
    const before = tf.memory().numTensors;
    const model = tinyClassifier(1);
    const writes: [string, JsonValue][] = [];
    const h = await model.fit(x, y, {
      epochs: 3,
      verbose: 0,
      shuffle: false,
      validationData: [x, y],
      callbacks: [epochLog({ setSystemAttr: (k, v) => void writes.push([k, v]) })],
    });
    const logs = writes.filter(([k]) => k === EPOCH_LOG_KEY).map(([, v]) => v as Record<string, number>[]);
    expect(logs.map((l) => l.length)).toEqual([1, 2, 3]); // rewritten whole each epoch
    const last = logs[2] ?? [];
    expect(last.map((e) => e['epoch'])).toEqual([0, 1, 2]);
    expect(Object.keys(last[0] ?? {}).sort()).toEqual(['acc', 'epoch', 'loss', 'seconds', 'val_acc', 'val_loss']);
    expect(last.map((e) => e['loss'])).toEqual(h.history['loss']);
    expect(last.map((e) => e['val_acc'])).toEqual(h.history['val_acc']);
    expect(last.every((e) => (e['seconds'] ?? -1) >= 0)).toBe(true);
    const info = writes.filter(([k]) => k === RUN_INFO_KEY).at(-1)?.[1] as Record<string, JsonValue>;
    expect(info['backend']).toBe('cpu');
    expect(info['worker']).toBe(workerName());
    expect(info['worker']).toMatch(/^pid \d+$/);
    expect(info['peakTensorBytes']).toBeGreaterThan(0);
    expect(info['scheduled']).toEqual([]);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

describe('epochLog after schedules', () => {
  it('keeps the learning rate and scheduled parameters each epoch used, marked as schedules in the run info', async () => {
    const { x, y } = blobs(24);
    const before = tf.memory().numTensors;
    const model = tinyClassifier(1);
    const writes: [string, JsonValue][] = [];
    let kept = 0;
    await model.fit(x, y, {
      epochs: 3,
      verbose: 0,
      shuffle: false,
      callbacks: [
        learningRateSchedule((epoch) => 0.1 / 2 ** epoch),
        parameterSchedule(
          (v) => void (kept = v),
          (epoch) => epoch + 1,
          { logKey: 'warmup' },
        ),
        epochLog({ setSystemAttr: (k, v) => void writes.push([k, v]) }),
      ],
    });
    const log = writes.filter(([k]) => k === EPOCH_LOG_KEY).at(-1)?.[1] as Record<string, number>[];
    expect(log.map((e) => e['lr'])).toEqual([0.1, 0.05, 0.025]);
    expect(log.map((e) => e['warmup'])).toEqual([1, 2, 3]);
    expect(kept).toBe(3);
    const info = writes.filter(([k]) => k === RUN_INFO_KEY).at(-1)?.[1] as Record<string, JsonValue>;
    expect(info['scheduled']).toEqual(['lr', 'warmup']);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

describe('tracking in the runs objectiveFor makes', () => {
  it('stores the epoch log and run info of every trial, pruned ones included', async () => {
    const { syntheticTabular } = await import('../../../datasets/synthetic-tabular');
    const { trainValTestSplit } = await import('../../../datasets/splits');
    const { mlp } = await import('../../../models/mlp');
    const { objectiveFor } = await import('../../../src/training/objective-for');
    const { createStudy } = await import('../../../src/study/create-study');
    const data = trainValTestSplit(
      syntheticTabular({ nTrain: 120, nVal: 0, nFeatures: 4, nInformative: 2, classes: 2, seed: 1 }).train,
      {
        valFraction: 0.25,
        seed: 1,
      },
    );
    const study = await createStudy({ direction: 'maximize', seed: 0 });
    await study.optimize(objectiveFor(mlp, data, { epochs: 3 }), { nTrials: 2 });
    for (const t of study.trials) {
      const log = t.systemAttrs['epoch_log'] as Record<string, number>[];
      expect(log.map((e) => e['epoch'])).toEqual([0, 1, 2]);
      expect(Object.keys(log[0] ?? {})).toEqual(
        expect.arrayContaining(['loss', 'acc', 'val_loss', 'val_acc', 'seconds']),
      );
      expect(log.map((e) => e['val_acc'])).toEqual([...t.intermediateValues.values()]);
      expect(t.systemAttrs['run_info']).toMatchObject({ backend: 'cpu', worker: expect.stringMatching(/^pid \d+/) });
    }
    // A user's schedule among the callbacks: the log has the rate each epoch used.
    const scheduled = await createStudy({ direction: 'maximize', seed: 0 });
    const schedule = () => [learningRateSchedule((epoch: number) => 0.01 * (epoch + 1))];
    await scheduled.optimize(objectiveFor(mlp, data, { epochs: 3, callbacks: schedule }), { nTrials: 1 });
    const log = scheduled.trials[0]?.systemAttrs['epoch_log'] as Record<string, number>[];
    expect(log.map((e) => e['lr'])).toEqual([0.01, 0.02, 0.03]);
    expect(scheduled.trials[0]?.systemAttrs['run_info']).toMatchObject({ scheduled: ['lr'] });
  });
});

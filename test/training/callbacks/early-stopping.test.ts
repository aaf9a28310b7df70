import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../../src/errors';
import { disposeModel } from '../../../src/training/dispose-model';
import * as callbacks from '../../../src/api/callbacks';
import { blobs, tinyClassifier, useCpu } from './fixtures';

beforeAll(useCpu);

/** A stand-in for a LayersModel: one scalar weight that records the epoch it was set at. */
function fakeModel(): {
  stopTraining: boolean;
  w: tf.Variable;
  getWeights(): tf.Tensor[];
  setWeights(ws: tf.Tensor[]): void;
} {
  const w = tf.tidy(() => tf.variable(tf.scalar(-1)));
  return {
    stopTraining: false,
    w,
    getWeights: () => [w],
    setWeights: (ws) => w.assign(ws[0] as tf.Scalar),
  };
}

/** Drives the callback through `values` as fit would; returns the epochs run and the restored weight. */
async function drive(
  args: callbacks.EarlyStoppingArgs,
  values: number[],
  monitor = args.monitor ?? 'val_loss',
): Promise<{ cb: callbacks.EarlyStopping; ran: number; restored: number }> {
  const before = tf.memory().numTensors;
  const model = fakeModel();
  const cb = callbacks.earlyStopping(args);
  cb.model = model as unknown as tf.LayersModel;
  await cb.onTrainBegin();
  let ran = 0;
  for (let epoch = 0; epoch < values.length; epoch++) {
    tf.tidy(() => model.w.assign(tf.scalar(epoch))); // the weights "after" this epoch
    await cb.onEpochEnd(epoch, { [monitor]: values[epoch] as number, loss: 1 });
    ran++;
    if (model.stopTraining) break;
  }
  await cb.onTrainEnd();
  const restored = model.w.dataSync()[0] as number;
  model.w.dispose();
  expect(tf.memory().numTensors).toBe(before); // kept copies are all freed
  return { cb, ran, restored };
}

describe('earlyStopping on hand-made logs', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const { cb, ran, restored } = await drive({ patience: 2, restoreBestWeights: true }, [1, 0.8, 0.9, 0.85, 0.7]);
    expect(ran).toBe(4);
    expect(cb.stoppedEpoch).toBe(3);
    expect(cb.bestEpoch).toBe(1);
    expect(cb.bestValue).toBe(0.8);
    expect(restored).toBe(1);
  });

  it('patience 0 stops at the first non-improvement', async () => {
    const { cb } = await drive({}, [1, 0.9, 0.95, 0.5]);
    expect(cb.stoppedEpoch).toBe(2);
  });

  it('minDelta: a smaller change is no improvement', async () => {
    const { cb } = await drive({ patience: 1, minDelta: 0.1 }, [1, 0.95, 0.92, 0.91]);
    expect(cb.stoppedEpoch).toBe(1);
    expect(cb.bestEpoch).toBe(0);
  });

  it("mode 'auto' maximises accuracy-like monitors; 'max' / 'min' are explicit", async () => {
    expect(callbacks.earlyStopping({ monitor: 'val_acc' }).mode).toBe('max');
    expect(callbacks.earlyStopping({ monitor: 'val_accuracy' }).mode).toBe('max');
    expect(callbacks.earlyStopping({ monitor: 'loss' }).mode).toBe('min');
    const { cb, restored } = await drive(
      { monitor: 'val_acc', patience: 2, restoreBestWeights: true },
      [0.5, 0.6, 0.55, 0.58, 0.59],
    );
    expect(cb.stoppedEpoch).toBe(3);
    expect(restored).toBe(1);
    const { cb: min } = await drive({ monitor: 'val_acc', mode: 'min', patience: 0 }, [0.5, 0.6]);
    expect(min.stoppedEpoch).toBe(1);
  });

  it('baseline: epochs that do not beat it count against patience', async () => {
    const { cb, restored } = await drive(
      { baseline: 0.5, patience: 2, restoreBestWeights: true },
      [0.9, 0.8, 0.7, 0.6],
    );
    expect(cb.stoppedEpoch).toBe(1);
    expect(cb.bestEpoch).toBe(1);
    expect(restored).toBe(1);
    const { cb: beaten } = await drive({ baseline: 0.85, patience: 2 }, [0.9, 0.8, 0.7, 0.6]);
    expect(beaten.stoppedEpoch).toBeNull();
  });

  it('restores the best weights even when training runs to the last epoch', async () => {
    const { cb, ran, restored } = await drive({ patience: 5, restoreBestWeights: true }, [1, 0.5, 0.7, 0.8]);
    expect(ran).toBe(4);
    expect(cb.stoppedEpoch).toBeNull();
    expect(restored).toBe(1);
  });

  it('a missing monitor is an error naming it and the available keys', async () => {
    const model = fakeModel();
    const cb = callbacks.earlyStopping({ monitor: 'val_loss', restoreBestWeights: true });
    cb.model = model as unknown as tf.LayersModel;
    await cb.onTrainBegin();
    await expect(cb.onEpochEnd(0, { loss: 1, acc: 0.5 })).rejects.toThrow(
      /monitor "val_loss" is not in the epoch logs; available: acc, loss/,
    );
    await expect(cb.onEpochEnd(0, { loss: 1 })).rejects.toBeInstanceOf(TfjsTuneError);
    model.w.dispose();
  });

  it('validates its arguments', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(/earlyStopping.patience/);
    expect(() => callbacks.earlyStopping({ mode: 'up' as 'min' })).toThrow(/earlyStopping.mode/);
    expect(() => callbacks.earlyStopping({ monitor: '' })).toThrow(/earlyStopping.monitor/);
  });
});

describe('earlyStopping in a real fit', () => {
  it('stops early, restores the best weights and leaks nothing', async () => {
    const { x, y } = blobs(32);
    const before = tf.memory().numTensors;
    const model = tinyClassifier(3, tf.train.sgd(0.5));
    // The learning rate jumps to a value that makes the loss worse: the best epoch is early.
    const lr = callbacks.learningRateSchedule((e) => (e < 3 ? 0.5 : 40));
    const stop = callbacks.earlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    const snapshots: number[][] = [];
    const record = new tf.CustomCallback({
      onEpochEnd: () => {
        snapshots.push(Array.from((model.getWeights()[0] as tf.Tensor).dataSync()));
      },
    });
    const h = await model.fit(x, y, {
      epochs: 30,
      batchSize: 32,
      shuffle: false,
      verbose: 0,
      callbacks: [lr, record, stop],
    });
    const losses = h.history['loss'] as number[];
    expect(stop.stoppedEpoch).not.toBeNull();
    expect(losses.length).toBe((stop.stoppedEpoch as number) + 1);
    expect(losses.length).toBeLessThan(30);
    const best = stop.bestEpoch as number;
    expect(losses[best]).toBe(Math.min(...losses));
    expect(Array.from((model.getWeights()[0] as tf.Tensor).dataSync())).toEqual(snapshots[best]);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});

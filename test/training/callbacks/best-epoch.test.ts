import * as tf from '@tensorflow/tfjs';

import { BestEpoch, tieBreakFor } from '../../../src/training/callbacks/best-epoch';
import { FrozenTrial } from '../../../src/trial/frozen-trial';
import type { JsonValue } from '../../../src/trial/json';
import { rankTrials } from '../../../src/trial/hyperband-slot';
import { useCpu } from './fixtures';

beforeAll(useCpu);

/** Runs BestEpoch over per-epoch logs on a one-weight stand-in model whose weight is the epoch. */
async function bestOf(logs: Record<string, number>[], monitor: string, tieBreak: string | null): Promise<number> {
  const w = tf.variable(tf.scalar(-1));
  const tracker = new BestEpoch(monitor, /acc$/.test(monitor) ? 'maximize' : 'minimize', tieBreak);
  tracker.model = { getWeights: () => [w] } as unknown as tf.LayersModel;
  for (const [epoch, l] of logs.entries()) {
    w.assign(tf.scalar(epoch));
    await tracker.onEpochEnd(epoch, l);
  }
  const before = tf.memory().numTensors;
  expect(tracker.bestEpoch).not.toBeNull();
  tracker.restore({ setWeights: (ws: tf.Tensor[]) => w.assign(ws[0] as tf.Scalar) } as never);
  const restored = (await w.data())[0] as number;
  tracker.dispose();
  w.dispose();
  expect(tf.memory().numTensors).toBe(before - 2);
  return restored;
}

function trial(number: number, value: number, bestEpochLogs?: Record<string, number>): FrozenTrial {
  return new FrozenTrial({
    trialId: number,
    number,
    state: 'COMPLETE',
    values: [value],
    params: {},
    distributions: {},
    intermediateValues: new Map(),
    userAttrs: bestEpochLogs === undefined ? {} : { best_epoch_logs: bestEpochLogs as unknown as JsonValue },
    systemAttrs: {},
    datetimeStart: null,
    datetimeComplete: null,
  });
}

describe('ties of an accuracy objective are broken by the loss', () => {
  it('names the loss for accuracy-like monitors only', () => {
    expect(tieBreakFor('val_acc')).toBe('val_loss');
    expect(tieBreakFor('val_accuracy')).toBe('val_loss');
    expect(tieBreakFor('acc')).toBe('loss');
    expect(tieBreakFor('val_loss')).toBeNull();
    expect(tieBreakFor('val_auc')).toBeNull();
  });

  it('keeps the later epoch of equal accuracy when its validation loss is lower, and only then', async () => {
    const logs = [
      { val_acc: 0.9, val_loss: 0.5 },
      { val_acc: 1, val_loss: 0.4 },
      { val_acc: 1, val_loss: 0.1 },
      { val_acc: 1, val_loss: 0.3 },
      { val_acc: 0.95, val_loss: 0.05 },
    ];
    expect(await bestOf(logs, 'val_acc', 'val_loss')).toBe(2);
    // Without a tie-break the first epoch at the best value stays (Keras' ModelCheckpoint's rule).
    expect(await bestOf(logs, 'val_acc', null)).toBe(1);
  });

  it('ranks trials of equal value by their best epoch loss, those without it last, then by number', () => {
    const ranked = rankTrials(
      [trial(0, 1, { val_loss: 0.6 }), trial(1, 1), trial(2, 0.9, { val_loss: 0.01 }), trial(3, 1, { val_loss: 0.2 })],
      'maximize',
      'val_loss',
    );
    expect(ranked.map((t) => t.number)).toEqual([3, 0, 1, 2]);
    expect(
      rankTrials([trial(0, 1, { val_loss: 0.6 }), trial(3, 1, { val_loss: 0.2 })], 'maximize').map((t) => t.number),
    ).toEqual([0, 3]);
  });
});

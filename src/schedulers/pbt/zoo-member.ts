import * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../../datasets/types';
import { TfjsTuneError } from '../../errors';
import { Rng, type RngState } from '../../random/rng';
import type { NamedWeight } from '../../training/checkpoint/optimizer-state';
import { disposeModel } from '../../training/dispose-model';
import type { HyperModel, Params } from '../../training/hyper-model';
import { applyChangedLiveParams } from '../../training/live-params';
import { buildContextFor, seededTensors } from '../../training/trial-tensors';
import type { PBTMember, PBTParams } from './member';
import { readModelState, writeModelState } from './model-state';

// Which parameters a live model can change (and the refusal of the others) live in training/.
export { LIVE_MUTABLE_PARAMS, checkLiveMutable } from '../../training/live-params';

/**
 * A member's state: copies of its weights and optimiser slots, owned by whoever holds them, and
 * where each seeded dropout layer's mask stream stands (so the recipient draws the donor's next masks).
 */
export interface ZooMemberState {
  readonly weights: tf.Tensor[];
  readonly optimizer: NamedWeight[];
  readonly dropout: RngState[];
}

export interface ZooMemberOptions {
  readonly hyperModel: HyperModel;
  readonly data: DatasetSplits;
  /** Every parameter the model is built with (architecture included); the live ones may change later. */
  readonly params: Params;
  /** Seeds the model's initialisers (and dropout). */
  readonly seed: number;
  /**
   * Seeds the training data order; default `seed`. A population shares one (the run's), so a
   * member that copied another's weights sees the batches the donor would have, and a replay of
   * its schedule trains on the same order.
   */
  readonly dataSeed?: number;
  /** `val_acc` (default for classification) or `val_loss`. */
  readonly metric?: 'val_acc' | 'val_loss';
}

export interface ZooMember extends PBTMember<ZooMemberState> {
  readonly model: tf.LayersModel;
  dispose(): void;
}

/**
 * A zoo model as a PBT member. Exploit copies the donor's weights and optimiser state into the
 * recipient's live model in memory — no checkpoint round trip — so the recipient then predicts and
 * steps exactly as the donor would. `getState` returns clones (the donor trains on); `setState`
 * takes ownership of the state it is given and frees it.
 */
export function zooMember(options: ZooMemberOptions): ZooMember {
  const { hyperModel, data } = options;
  const model = hyperModel.build({ ...hyperModel.defaults, ...options.params }, buildContextFor(data, options.seed));
  const metric = options.metric ?? (data.train.numClasses > 0 ? 'val_acc' : 'val_loss');
  const tensors = seededTensors(data, new Rng(options.dataSeed ?? options.seed));
  const { train, val } = tensors;
  let score = Number.NaN;
  // What the model trains with now: built with these; each interval applies what changed.
  let current: Params = { ...hyperModel.defaults, ...options.params };
  if (!model.optimizer) throw new TfjsTuneError(`zoo member "${hyperModel.name}": the model is not compiled`);
  return {
    model,
    async train(params: PBTParams, fromStep: number, toStep: number) {
      applyChangedLiveParams(model, current, params);
      current = { ...current, ...params };
      const batchSize = Number(params.batch_size ?? hyperModel.defaults.batch_size ?? 32);
      await model.fit(train.xs, train.ys, {
        epochs: toStep,
        initialEpoch: fromStep,
        batchSize,
        shuffle: false,
        verbose: 0,
        callbacks: [tensors.reshuffleEachEpoch()],
      });
    },
    evaluate() {
      const result = model.evaluate(val.xs, val.ys, { batchSize: 256 });
      const outputs = Array.isArray(result) ? result : [result];
      const names = model.metricsNames;
      const wanted = metric === 'val_loss' ? 0 : names.findIndex((n) => n === 'acc' || n.endsWith('accuracy'));
      if (wanted < 0)
        throw new TfjsTuneError(`zoo member: the model reports no accuracy (metrics: ${names.join(', ')})`);
      score = (outputs[wanted] as tf.Scalar).dataSync()[0] as number;
      tf.dispose(outputs);
      return score;
    },
    getState: () => readModelState(model),
    async setState(state: ZooMemberState) {
      try {
        await writeModelState(model, state);
      } finally {
        disposeZooState(state);
      }
    },
    disposeState: disposeZooState,
    dispose() {
      disposeModel(model);
      tensors.dispose();
    },
  };
}

export function disposeZooState(state: ZooMemberState): void {
  tf.dispose(state.weights);
  tf.dispose(state.optimizer.map((w) => w.tensor));
}

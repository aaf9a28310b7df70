import * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../../datasets/types';
import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { Rng } from '../../random/rng';
import { setDropoutRate, setOptimizerLearningRate } from '../../training/callbacks/optimizer-params';
import type { NamedWeight } from '../../training/checkpoint/optimizer-state';
import { disposeModel } from '../../training/dispose-model';
import type { HyperModel, Params } from '../../training/hyper-model';
import { buildContextFor, seededTensors } from '../../training/trial-tensors';
import type { PBTMember, PBTParams } from './member';
import { readModelState, writeModelState } from './model-state';

/**
 * The parameters a live zoo model can change between two intervals without a rebuild: the
 * optimiser's learning rate, the dropout rate and the batch size. Anything else changes the graph.
 */
export const LIVE_MUTABLE_PARAMS: readonly string[] = ['learning_rate', 'dropout', 'batch_size'];

/** Refuses a mutation of a parameter that would need a rebuild, naming it. */
export function checkLiveMutable(names: readonly string[], field = 'hyperparamMutations'): void {
  for (const name of names) {
    if (!LIVE_MUTABLE_PARAMS.includes(name)) {
      throw new InvalidArgumentError(
        `${field}.${name}`,
        name,
        `a parameter a live model can change (${LIVE_MUTABLE_PARAMS.join(', ')}); "${name}" changes the architecture`,
      );
    }
  }
}

/** A member's state: copies of its weights and optimiser slots, owned by whoever holds them. */
export interface ZooMemberState {
  readonly weights: tf.Tensor[];
  readonly optimizer: NamedWeight[];
}

export interface ZooMemberOptions {
  readonly hyperModel: HyperModel;
  readonly data: DatasetSplits;
  /** Every parameter the model is built with (architecture included); the live ones may change later. */
  readonly params: Params;
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
  let dropoutRate = ({ ...hyperModel.defaults, ...options.params } as Params)['dropout'];
  const optimizer = (): tf.Optimizer => {
    if (!model.optimizer) throw new TfjsTuneError(`zoo member "${hyperModel.name}": the model is not compiled`);
    return model.optimizer;
  };
  return {
    model,
    async train(params: PBTParams, fromStep: number, toStep: number) {
      if (typeof params.learning_rate === 'number') setOptimizerLearningRate(optimizer(), params.learning_rate);
      // Only a change is applied: a model built with dropout 0 has no dropout layers to set.
      if (typeof params.dropout === 'number' && params.dropout !== dropoutRate) {
        setDropoutRate(model, params.dropout);
        dropoutRate = params.dropout;
      }
      const batchSize = Number(params.batch_size ?? hyperModel.defaults.batch_size ?? 32);
      await model.fit(train.xs, train.ys, {
        epochs: toStep,
        initialEpoch: fromStep,
        batchSize,
        shuffle: false,
        verbose: 0,
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

import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { PBTMember, PBTParams } from '../schedulers/pbt/member';
import { readModelState, writeModelState } from '../schedulers/pbt/model-state';
import { disposeZooState, type ZooMemberState } from '../schedulers/pbt/zoo-member';
import { applyChangedLiveParams } from '../training/live-params';
import { disposeModel } from '../training/dispose-model';
import type { TunerObjective } from '../training/objective-spec';

/** The tensors a tuner's PBT members train on (the arguments of `search`). */
export interface FitData {
  readonly x: tf.Tensor | tf.Tensor[];
  readonly y: tf.Tensor | tf.Tensor[];
  readonly validationData?: [tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]];
  readonly validationSplit?: number;
  readonly batchSize?: number;
}

export interface FitMember extends PBTMember<ZooMemberState> {
  readonly model: tf.LayersModel;
  dispose(): void;
}

/**
 * A compiled model as a PBT member over the search's tensors: each interval is `fit` from
 * `initialEpoch`, with the member's changed live parameters (learning rate, weight decay, betas,
 * momentum, dropout; src/training/live-params.ts) applied to the live model first and its batch size; its score is the objective in the last epoch's logs. State: weights and optimiser slots.
 */
export function fitMember(model: tf.LayersModel, data: FitData, objective: TunerObjective): FitMember {
  let score = Number.NaN;
  let last: PBTParams | null = null;
  return {
    model,
    async train(params: PBTParams, fromStep: number, toStep: number) {
      // The model was built with the first interval's params; later ones apply what changed.
      if (last !== null) applyChangedLiveParams(model, last, params);
      last = params;
      const batch = params['batch_size'];
      const history = await model.fit(data.x, data.y, {
        epochs: toStep,
        initialEpoch: fromStep,
        batchSize: typeof batch === 'number' ? batch : (data.batchSize ?? 32),
        shuffle: false, // tfjs shuffles with Math.random: the seed would not repeat a run
        verbose: 0,
        ...(data.validationData !== undefined ? { validationData: data.validationData } : {}),
        ...(data.validationSplit !== undefined ? { validationSplit: data.validationSplit } : {}),
      });
      const logged = history.history[objective.name];
      if (logged === undefined)
        throw new InvalidArgumentError(
          'objective',
          objective.name,
          `a metric of the fit logs (${Object.keys(history.history).join(', ')})`,
        );
      score = Number(logged.at(-1));
    },
    evaluate: () => score,
    getState: () => readModelState(model),
    async setState(state: ZooMemberState) {
      try {
        await writeModelState(model, state);
      } finally {
        disposeZooState(state);
      }
    },
    disposeState: disposeZooState,
    dispose: () => disposeModel(model),
  };
}

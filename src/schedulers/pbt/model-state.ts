import type * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import { readOptimizerState, writeOptimizerState } from '../../training/checkpoint/optimizer-state';
import type { ZooMemberState } from './zoo-member';

function optimizerOf(model: tf.LayersModel): tf.Optimizer {
  if (!model.optimizer) throw new TfjsTuneError('a PBT member model must be compiled (it has no optimizer)');
  return model.optimizer;
}

/** Copies of a live model's weights and optimiser slots, owned by the caller (the state an exploit hands over). */
export async function readModelState(model: tf.LayersModel): Promise<ZooMemberState> {
  const weights = model.getWeights().map((w) => w.clone());
  const state = await readOptimizerState(optimizerOf(model));
  try {
    return { weights, optimizer: state.weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() })) };
  } finally {
    state.release();
  }
}

/** Puts a state into a live model (weights and optimiser slots); the state's tensors stay the caller's. */
export async function writeModelState(model: tf.LayersModel, state: ZooMemberState): Promise<void> {
  model.setWeights(state.weights);
  await writeOptimizerState(optimizerOf(model), state.optimizer);
}

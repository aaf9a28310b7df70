import type * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import type { RngState } from '../../random/rng';
import { readOptimizerState, writeOptimizerState } from '../../training/checkpoint/optimizer-state';
import { SeededDropout } from '../../../models/seeded-dropout';
import { allLayers } from '../../training/model-layers';
import type { ZooMemberState } from './zoo-member';

/** The model's seeded dropout layers, in order: their mask streams are part of its state. */
function dropoutLayers(model: tf.LayersModel): SeededDropout[] {
  return allLayers(model).filter((l): l is SeededDropout => l instanceof SeededDropout);
}

function optimizerOf(model: tf.LayersModel): tf.Optimizer {
  if (!model.optimizer) throw new TfjsTuneError('a PBT member model must be compiled (it has no optimizer)');
  return model.optimizer;
}

/** Where each seeded dropout layer's mask stream stands, in layer order (saved beside a checkpoint's weights). */
export function dropoutStreamsOf(model: tf.LayersModel): RngState[] {
  return dropoutLayers(model).map((l) => l.getRngState());
}

/**
 * Copies of a live model's weights and optimiser slots, owned by the caller, and where each seeded
 * dropout layer's mask stream stands (so a recipient draws the masks the donor would have drawn next):
 * the state an exploit hands over.
 */
export async function readModelState(model: tf.LayersModel): Promise<ZooMemberState> {
  const weights = model.getWeights().map((w) => w.clone());
  const state = await readOptimizerState(optimizerOf(model));
  try {
    return {
      weights,
      optimizer: state.weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() })),
      dropout: dropoutStreamsOf(model),
    };
  } finally {
    state.release();
  }
}

/** Puts a state into a live model (weights and optimiser slots); the state's tensors stay the caller's. */
export async function writeModelState(model: tf.LayersModel, state: ZooMemberState): Promise<void> {
  const layers = dropoutLayers(model);
  if (state.dropout.length !== layers.length) {
    throw new TfjsTuneError(
      `the state has ${state.dropout.length} dropout mask streams, the model ${layers.length} seeded dropout layers`,
    );
  }
  model.setWeights(state.weights);
  await writeOptimizerState(optimizerOf(model), state.optimizer);
  state.dropout.forEach((s, i) => layers[i]?.setRngState(s));
}

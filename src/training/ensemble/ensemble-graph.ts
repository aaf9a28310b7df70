import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import { disposeModel } from '../dispose-model';
import type { EnsembleMember } from './ensemble-model';

interface SequentialJson {
  class_name: string;
  config: { name: string; layers: { class_name: string; config: { name: string } }[] };
}

/**
 * A copy of a Sequential member whose model and layer names carry `prefix`, with the same weights:
 * members of one study share layer names (`output`), and one graph needs them unique, as do the
 * weight names a saved model lists.
 */
async function renamedCopy(model: tf.LayersModel, prefix: string): Promise<tf.LayersModel> {
  const json = model.toJSON(null, false) as unknown as SequentialJson;
  if (json.class_name !== 'Sequential')
    throw new TfjsTuneError(`ensemble member ${model.name}: only Sequential members (the zoo's) join one graph`);
  json.config.name = `${prefix}${json.config.name}`;
  for (const layer of json.config.layers) layer.config.name = `${prefix}${layer.config.name}`;
  const copy = await tf.models.modelFromJSON({ modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'] });
  copy.setWeights(model.getWeights());
  return copy;
}

/**
 * The ensemble as one `tf.LayersModel`: the input goes through every member (renamed copies), each
 * output is scaled by the member's weight (a frozen dense layer whose kernel is weight × identity,
 * a stock layer every tfjs reads) and the scaled outputs are added. Saved with `saveCheckpoint` or
 * `model.save`, it loads as one model (`tf.loadLayersModel`), so whatever serves, evaluates or
 * exports a single trained model serves the ensemble. The caller disposes it (`disposeModel`); the
 * members are left as they are.
 */
export async function ensembleGraph(members: readonly EnsembleMember[]): Promise<tf.LayersModel> {
  const copies: tf.LayersModel[] = [];
  try {
    for (const member of members) copies.push(await renamedCopy(member.model, `trial_${member.trial}_`));
    const first = copies[0] as tf.LayersModel;
    const input = tf.input({ shape: (first.inputs[0] as tf.SymbolicTensor).shape.slice(1) as number[] });
    const scaled = copies.map((copy, i) => {
      const member = members[i] as EnsembleMember;
      const out = copy.apply(input) as tf.SymbolicTensor;
      const units = out.shape[out.shape.length - 1] as number;
      const kernel = tf.tidy(() => tf.mul(tf.eye(units), member.weight));
      const layer = tf.layers.dense({
        units,
        useBias: false,
        trainable: false,
        weights: [kernel],
        name: `ensemble_weight_trial_${member.trial}`,
      });
      const result = layer.apply(out) as tf.SymbolicTensor;
      kernel.dispose(); // the layer holds its own copy
      return result;
    });
    const output =
      scaled.length === 1
        ? scaled[0]
        : (tf.layers.add({ name: 'ensemble_average' }).apply(scaled) as tf.SymbolicTensor);
    return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor, name: 'ensemble' });
  } catch (e) {
    for (const copy of copies) disposeModel(copy);
    throw e;
  }
}

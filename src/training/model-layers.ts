import type * as tf from '@tensorflow/tfjs';

import { containerFields } from './backend';

/** Every layer of a model, those of nested models included, in order. */
export function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  const visit = (layers: readonly tf.layers.Layer[]): void => {
    for (const layer of layers) {
      out.push(layer);
      const inner = containerFields(layer).layers;
      if (Array.isArray(inner)) visit(inner);
    }
  };
  visit(model.layers);
  return out;
}

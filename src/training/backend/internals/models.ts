import * as tf from '@tensorflow/tfjs';

import { defineCheck, defineView } from './view';

/** A loss or metric function as tfjs-layers keeps it on a compiled model. */
export type LossOrMetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** tfjs-layers' LayersModel / Container (private): optimiser ownership and the container's refcount. */
export interface LayersModelFields {
  /** True when the model created its optimiser from a string (then its `dispose` frees it). */
  isOptimizerOwned?: boolean;
  optimizer_?: tf.Optimizer | null;
  /** Models using this one as a layer, plus one; 0 once disposed. */
  _refCount?: number | null;
  /** Protected; what `model.save` stores as the training config. */
  getTrainingConfig(): tf.io.TrainingConfig;
}

export const layersModelFields = defineView<LayersModelFields, tf.LayersModel>(
  'LayersModel',
  { isOptimizerOwned: 'field', optimizer_: 'field', _refCount: 'field', getTrainingConfig: 'method' },
  () => compiledProbe(),
);

/** A compiled LayersModel's loss and metric functions (private). */
export interface CompiledModelFields {
  lossFunctions?: LossOrMetricFn[];
  metricsTensors?: Array<[LossOrMetricFn, number]>;
  loss?: unknown;
}

export const compiledModelFields = defineView<CompiledModelFields, tf.LayersModel>(
  'LayersModel (compiled)',
  { lossFunctions: 'field', metricsTensors: 'field', loss: 'field' },
  () => sequentialFields(compiledProbe()).model as object,
);

/** A Sequential's inner model, which holds the compiled state. */
export interface SequentialFields {
  model?: tf.LayersModel;
}

export const sequentialFields = defineView<SequentialFields, tf.LayersModel>('Sequential', { model: 'field' }, () =>
  compiledProbe(),
);

/** Layers nested in a layer that is itself a model (`layers` is not on tf.layers.Layer's type). */
export interface ContainerFields {
  layers?: tf.layers.Layer[];
}

export const containerFields = defineView<ContainerFields, tf.layers.Layer>(
  'Sequential (as a layer)',
  { layers: 'field' },
  () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }),
);

/** The rate of a dropout layer (Dropout, SpatialDropout1D, AlphaDropout, GaussianDropout). */
export interface DropoutFields {
  rate?: unknown;
}

export const dropoutFields = defineView<DropoutFields, tf.layers.Layer>('Dropout', { rate: 'field' }, () =>
  tf.layers.dropout({ rate: 0.5 }),
);

// tfjs-layers' categoricalAccuracy is not exported; its bundle may suffix its name (`categoricalAccuracy$1`).
const CATEGORICAL_ACCURACY = /^categoricalAccuracy(\$\d+)?$/;

/** Whether a compiled model's metric function is tfjs-layers' own categorical accuracy. */
export function isStockCategoricalAccuracy(fn: LossOrMetricFn): boolean {
  return CATEGORICAL_ACCURACY.test(fn.name);
}

defineCheck("the 'acc' metric of a categorical model is named categoricalAccuracy (or categoricalAccuracy$N)", () => {
  const metrics = compiledModelFields(sequentialFields(compiledProbe()).model as tf.LayersModel).metricsTensors;
  return metrics?.[0] !== undefined && isStockCategoricalAccuracy(metrics[0][0]);
});

/** A compiled Sequential of the kind the zoo builds (Adam instance, categorical loss, 'acc'). */
function compiledProbe(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return model;
}

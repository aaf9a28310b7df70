import * as tf from '@tensorflow/tfjs';

import { layersModelFields, sgdFields } from './backend';

/**
 * Disposes a model and the optimizer it was compiled with. `model.dispose()` frees the optimizer
 * only when the model created it from a string (`optimizer: 'adam'`); one passed as an instance
 * (`tf.train.adam(lr)`, the usual case when a trial picks the learning rate) keeps its slot
 * variables alive, one set per trial. Do not share one optimizer instance between models.
 *
 * The optimizer goes first, while the model still holds it; then the model, whose `dispose()`
 * skips the optimizer it does not own (so nothing is disposed twice). A model that another model
 * still uses as a layer keeps its weights and its optimizer. Disposing a disposed model is a no-op.
 * Returns the number of tensors freed.
 */
export function disposeModel(model: tf.LayersModel): number {
  const internals = layersModelFields(model);
  if (internals._refCount === 0) return 0;
  const before = tf.memory().numTensors;
  const optimizer = internals.optimizer_;
  const lastUser = internals._refCount === 1;
  if (optimizer != null && internals.isOptimizerOwned !== true && lastUser) {
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() forgets the `-lr` scalar `c` it inherits from SGD.
    const c = sgdFields(optimizer).c;
    if (c != null && !c.isDisposed) c.dispose();
  }
  model.dispose();
  return before - tf.memory().numTensors;
}

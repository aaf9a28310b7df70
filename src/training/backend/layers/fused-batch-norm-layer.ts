import * as tf from '@tensorflow/tfjs';

import { batchNormFields, stockClass } from '../internals';
import { batchNormTraining } from '../ops/fused-batch-norm';
import { IN_MEMORY } from '../ops/in-memory';

/** The arguments of `tf.layers.batchNormalization`. */
export type FusedBatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

type BatchNormLayer = ReturnType<typeof tf.layers.batchNormalization>;
type LayerCallArgs = Parameters<BatchNormLayer['call']>;

const BatchNormBase = stockClass<new (args?: FusedBatchNormalizationArgs) => BatchNormLayer>('BatchNormalization');

/**
 * `tf.layers.batchNormalization` whose training-time normalisation is one op
 * ({@link batchNormTraining}): the stock layer's weights, config and moving-average updates. Runs
 * the stock `call` at inference, off the wasm and cpu backends, for an axis other than the last, and
 * without both `center` and `scale`. Serialisable under its own class name
 * (registered by `registerTrainingOps`).
 */
export class FusedBatchNormalization extends BatchNormBase {
  static readonly className = 'TfjsTuneFusedBatchNormalization';

  override call(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const f = batchNormFields(this);
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    if (
      !training ||
      x === undefined ||
      x.dtype !== 'float32' ||
      x.rank < 2 ||
      (f.axis !== -1 && f.axis !== x.rank - 1) ||
      f.gamma === null ||
      f.beta === null ||
      !IN_MEMORY.includes(tf.getBackend())
    ) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      f.invokeCallHook?.(inputs, kwargs);
      const [y, mean, variance] = batchNormTraining(
        x,
        (f.gamma as tf.LayerVariable).read() as tf.Tensor1D,
        (f.beta as tf.LayerVariable).read() as tf.Tensor1D,
        f.epsilon,
      );
      // The stock layer's moving-average update, op for op.
      const decay = 1 - f.momentum;
      for (const [variable, value] of [
        [f.movingMean, mean],
        [f.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), decay)));
        });
      }
      return y;
    });
  }
}

/** Factory in the tfjs style, a drop-in for `tf.layers.batchNormalization`. */
export function fusedBatchNormalization(args?: FusedBatchNormalizationArgs): FusedBatchNormalization {
  return new FusedBatchNormalization(args);
}

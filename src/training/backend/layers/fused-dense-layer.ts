import * as tf from '@tensorflow/tfjs';

import { denseFields, stockClass } from '../internals';
import { type DenseActivation, FUSED_ACTIVATIONS, denseForward } from '../ops/fused-dense';

/** The arguments of `tf.layers.dense`. */
export type FusedDenseArgs = Parameters<typeof tf.layers.dense>[0];

type DenseLayer = ReturnType<typeof tf.layers.dense>;
type LayerCallArgs = Parameters<DenseLayer['call']>;

const DenseBase = stockClass<new (args: FusedDenseArgs) => DenseLayer>('Dense');

/**
 * `tf.layers.dense` whose matMul, bias and activation train as one op ({@link denseForward}): the
 * stock layer's weights, config, regularisers and constraints, ~12 fewer kernel calls per layer
 * and training step. 2-D float32 inputs only; any other input runs the stock `call`. Activations
 * other than linear / relu / tanh / elu / softmax (sigmoid, say) run after the fused linear op. Serialisable
 * under its own class name (registered by `registerTrainingOps`).
 *
 * @example
 * ```ts
 * const layer = fusedDense({ units: 64, activation: 'relu' }); // from src/training/backend
 * ```
 */
export class FusedDense extends DenseBase {
  static readonly className = 'TfjsTuneFusedDense';

  override call(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    if (x === undefined || x.rank !== 2 || x.dtype !== 'float32') return super.call(inputs, kwargs);
    const f = denseFields(this);
    return tf.tidy(() => {
      f.invokeCallHook?.(inputs, kwargs);
      const name = f.activation.getClassName();
      const fused = FUSED_ACTIVATIONS.has(name);
      const y = denseForward(
        x as tf.Tensor2D,
        f.kernel.read() as tf.Tensor2D,
        f.bias === null ? null : (f.bias.read() as tf.Tensor1D),
        fused ? (name as DenseActivation) : 'linear',
      );
      return fused ? y : f.activation.apply(y);
    });
  }
}

/** Factory in the tfjs style: `fusedDense({ units: 64, activation: 'relu' })`, a drop-in for `tf.layers.dense`. */
export function fusedDense(args: FusedDenseArgs): FusedDense {
  return new FusedDense(args);
}

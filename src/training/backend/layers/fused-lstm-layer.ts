import * as tf from '@tensorflow/tfjs';

import { lstmCellFields, lstmFields, stockClass } from '../internals';
import { lstmSequence } from '../ops/lstm-sequence';

/** The arguments of `tf.layers.lstm`. */
export type FusedLSTMArgs = Parameters<typeof tf.layers.lstm>[0];

type LSTMLayer = ReturnType<typeof tf.layers.lstm>;
type LayerCallArgs = Parameters<LSTMLayer['call']>;

const LSTMBase = stockClass<new (args: FusedLSTMArgs) => LSTMLayer>('LSTM');

/**
 * `tf.layers.lstm` run as one fused op ({@link lstmSequence}): the stock layer's weights (same
 * names, shapes, initialisers, regularisers, constraints and config), outputs and gradients, at a
 * few kernel calls per time step instead of ~150 (forward and backward). It works inside
 * `tf.layers.bidirectional` (whose backward copy is rebuilt from this class's config, so it is
 * fused too).
 *
 * Fused: tanh activation with hard-sigmoid recurrent activation (the defaults), zero initial state,
 * no mask, not stateful, no `returnState`, float32, no dropout when training. Anything else runs the
 * stock layer's own step loop. Serialisable under its own class name (registered by
 * `registerTrainingOps`, which `tf.layers.bidirectional` needs: it rebuilds the backward copy by it).
 *
 * @example
 * ```ts
 * const layer = fusedLSTM({ units: 32 }); // from src/training/backend
 * const y = layer.apply(tf.zeros([8, 50, 16])) as tf.Tensor; // [8, 32]
 * ```
 */
export class FusedLSTM extends LSTMBase {
  static readonly className = 'TfjsTuneFusedLSTM';

  override call(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    if (x === undefined || !this.fusable(x, kwargs)) return super.call(inputs, kwargs);
    const f = lstmFields(this);
    const cell = lstmCellFields(f.cell);
    return tf.tidy(() => {
      const kernel = cell.kernel.read() as tf.Tensor2D;
      const bias =
        cell.useBias && cell.bias !== null ? (cell.bias.read() as tf.Tensor1D) : tf.zeros([4 * cell.units], 'float32');
      const y = lstmSequence(
        x as tf.Tensor3D,
        kernel,
        cell.recurrentKernel.read() as tf.Tensor2D,
        bias as tf.Tensor1D,
        {
          reverse: f.goBackwards,
          returnSequences: f.returnSequences,
        },
      );
      // The stock layer returns a backwards run's sequence in processing order.
      return f.goBackwards && f.returnSequences ? tf.reverse(y, 1) : y;
    });
  }

  /** Whether this call is one the fused op computes exactly as the stock layer does. */
  private fusable(x: tf.Tensor, kwargs: LayerCallArgs[1]): boolean {
    const f = lstmFields(this);
    const cell = lstmCellFields(f.cell);
    const training = kwargs?.['training'] === true;
    return (
      x.rank === 3 &&
      x.dtype === 'float32' &&
      (x.shape[1] ?? 0) > 0 &&
      kwargs?.['mask'] == null &&
      kwargs?.['initialState'] == null &&
      !f.stateful &&
      !f.returnState &&
      cell.activation.getClassName() === 'tanh' &&
      cell.recurrentActivation.getClassName() === 'hardSigmoid' &&
      !(training && (cell.dropout > 0 || cell.recurrentDropout > 0))
    );
  }
}

/** Factory in the tfjs style: `fusedLSTM({ units: 32 })`, a drop-in for `tf.layers.lstm`. */
export function fusedLSTM(args: FusedLSTMArgs): FusedLSTM {
  return new FusedLSTM(args);
}

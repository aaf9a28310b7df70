import * as tf from '@tensorflow/tfjs';

import { lstmSequence } from './lstm-sequence';
import { classOf } from './stock-class';

/** The arguments of `tf.layers.lstm`. */
export type FusedLstmArgs = Parameters<typeof tf.layers.lstm>[0];

type LstmLayer = ReturnType<typeof tf.layers.lstm>;
type LayerCallArgs = Parameters<LstmLayer['call']>;

/** The fields of tfjs-layers' LSTM / LSTMCell that the fused path reads (some are private in its typings). */
interface LstmFields {
  readonly cell: {
    readonly kernel: { read(): tf.Tensor };
    readonly recurrentKernel: { read(): tf.Tensor };
    readonly bias: { read(): tf.Tensor } | null;
    readonly useBias: boolean;
    readonly activation: { getClassName(): string };
    readonly recurrentActivation: { getClassName(): string };
    readonly dropout: number;
    readonly recurrentDropout: number;
    readonly units: number;
  };
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;
}

const LstmBase = classOf<new (args: FusedLstmArgs) => LstmLayer>(
  tf.layers.lstm({ units: 1, name: 'tfjs_tune_lstm_probe' }),
);

/**
 * `tf.layers.lstm` run as one fused op ({@link lstmSequence}): the stock layer's weights (same
 * names, shapes, initialisers, regularisers, constraints and config), outputs and gradients, at a
 * few kernel calls per time step instead of ~150 (forward and backward). It works inside
 * `tf.layers.bidirectional` (whose backward copy is rebuilt from this class's config, so it is
 * fused too).
 *
 * Fused: tanh activation with hard-sigmoid recurrent activation (the defaults), zero initial state,
 * no mask, not stateful, no `returnState`, float32, no dropout when training. Anything else runs the
 * stock layer's own step loop. Serialisable under its own class name.
 *
 * @example
 * ```ts
 * const layer = fusedLstm({ units: 32 }); // from src/training/backend
 * const y = layer.apply(tf.zeros([8, 50, 16])) as tf.Tensor; // [8, 32]
 * ```
 */
export class FusedLSTM extends LstmBase {
  static readonly className = 'TfjsTuneFusedLSTM';

  override call(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    if (x === undefined || !this.fusable(x, kwargs)) return super.call(inputs, kwargs);
    const f = this as unknown as LstmFields;
    const cell = f.cell;
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
    const f = this as unknown as LstmFields;
    const cell = f.cell;
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
tf.serialization.registerClass(
  FusedLSTM as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/** Factory in the tfjs style: `fusedLstm({ units: 32 })`, a drop-in for `tf.layers.lstm`. */
export function fusedLstm(args: FusedLstmArgs): FusedLSTM {
  return new FusedLSTM(args);
}

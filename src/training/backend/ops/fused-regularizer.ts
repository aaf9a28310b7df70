import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { asRegularizer, l1l2Fields, stockClass } from '../internals';

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

/** What the stock L1L2 class offers (concrete; its base `Regularizer` is abstract in the typings). */
interface L1L2Like {
  apply(x: tf.Tensor): tf.Scalar;
  getConfig(): tf.serialization.ConfigDict;
}

const L1L2Base = stockClass<new (args: { l1?: number; l2?: number }) => L1L2Like>('L1L2');

/**
 * tfjs-layers' L1L2 regulariser (`sum(l1 |w| + l2 w²)`) as one differentiable op on the wasm and
 * cpu backends: its value summed in JS (float64) and its gradient `dy (l1 sign(w) + 2 l2 w)` written
 * in JS, where the stock `apply` runs five taped kernels and its gradient about a dozen more per
 * regularised weight and training step. Elsewhere (or for a non-float32 weight) the stock `apply`
 * runs. Keeps the stock class name and config, so a saved model loads with the stock regulariser.
 */
export class FusedL1L2 extends L1L2Base {
  override apply(x: tf.Tensor): tf.Scalar {
    const name = tf.getBackend();
    if ((name !== 'wasm' && name !== 'cpu') || x.dtype !== 'float32') return super.apply(x);
    const { l1, l2 } = l1l2Fields(this);
    const read = (t: tf.Tensor): Float32Array =>
      name === 'wasm'
        ? ((tf.backend() as BackendWasm).typedArrayFromHeap(t) as Float32Array)
        : (t.dataSync() as Float32Array);
    const penalty = tf.customGrad((...args: unknown[]) => {
      const [w, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([w]);
      return {
        value: tf.scalar(penaltyOf(read(w), l1, l2)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const weights = saved[0] as tf.Tensor;
          const g = new Float32Array(weights.size);
          penaltyGrad(read(weights), (dy.dataSync()[0] ?? 0) as number, l1, l2, g);
          return tf.tensor(g, weights.shape, 'float32');
        },
      };
    });
    return penalty(x) as tf.Scalar;
  }
}

function penaltyOf(w: Float32Array, l1: number, l2: number): number {
  let abs = 0;
  let squares = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number;
    abs += v < 0 ? -v : v;
    squares += v * v;
  }
  return l1 * abs + l2 * squares;
}

/** tfjs's gradients: |w|' = (w > 0 ? 1 : -1) (its `step(w, -1)`), (w²)' = 2w. */
function penaltyGrad(w: Float32Array, dy: number, l1: number, l2: number, out: Float32Array): void {
  const a = dy * l1;
  const b = 2 * dy * l2;
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number;
    out[i] = (v > 0 ? a : -a) + b * v;
  }
}

/** `tf.regularizers.l2({ l2 })` as a {@link FusedL1L2}. */
export function fusedL2(l2 = 0.01): Regularizer {
  return asRegularizer(new FusedL1L2({ l1: 0, l2 }));
}

/** `tf.regularizers.l1l2({ l1, l2 })` as a {@link FusedL1L2}. */
export function fusedL1L2(args: { l1?: number; l2?: number } = {}): Regularizer {
  return asRegularizer(new FusedL1L2(args));
}

import * as tf from '@tensorflow/tfjs';

import { opsLSTM } from './lstm-ops';
import { checkShapes } from './lstm-shapes';
import { wasmLSTM } from './lstm-wasm';

/** How {@link lstmSequence} runs over the time axis and what it returns. */
export interface LSTMSequenceOptions {
  /** Process the sequence last step first (the backward half of a bidirectional LSTM). */
  readonly reverse?: boolean;
  /**
   * Return every step's output, `[batch, time, units]`, aligned with the input's time axis (also
   * when `reverse`); otherwise the last processed step's output, `[batch, units]`.
   */
  readonly returnSequences?: boolean;
  /** Force the tensor-op implementation even on wasm (tests compare the two). */
  readonly path?: 'auto' | 'ops';
}

/**
 * A whole LSTM layer over a sequence as one differentiable op: the Keras / tfjs-layers LSTM (gate
 * order i, f, c, o; tanh activation, hard-sigmoid recurrent activation `clip(0.2 z + 0.5, 0, 1)`;
 * zero initial state), with a hand-written backward pass through time.
 *
 * tfjs-layers runs an LSTM as ~15 taped ops per step forward and more backward (~7,900 kernel calls
 * for one 50-step training step); here the input projection is one `matMul` for all steps, the
 * recurrence a few ops per step, and the gradient a reverse loop over the steps plus one `matMul`
 * each for the kernel, recurrent-kernel and input gradients over the stacked gate gradients. On wasm
 * the per-step gate math runs in JS directly on wasm's memory and the per-step `h · R` calls wasm's
 * matMul kernel without the engine around it, so a step costs two kernel calls in all.
 *
 * @param x `[batch, time, inputDim]` float32
 * @param kernel `[inputDim, 4 * units]`
 * @param recurrentKernel `[units, 4 * units]`
 * @param bias `[4 * units]`
 */
export function lstmSequence(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: LSTMSequenceOptions = {},
): tf.Tensor {
  const shapes = checkShapes(x, kernel, recurrentKernel, bias);
  const reverse = options.reverse === true;
  const returnSequences = options.returnSequences === true;
  const onWasm = options.path !== 'ops' && tf.getBackend() === 'wasm';
  const op = tf.customGrad((...args: unknown[]) => {
    const [xs, k, r, b, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    return onWasm
      ? wasmLSTM(xs, k, r, b, save, shapes, reverse, returnSequences)
      : opsLSTM(xs, k, r, b, save, shapes, reverse, returnSequences);
  });
  return op(x, kernel, recurrentKernel, bias);
}

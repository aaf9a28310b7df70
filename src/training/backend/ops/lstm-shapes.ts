import type * as tf from '@tensorflow/tfjs';

/*
 * What the two implementations of lstmSequence share: the checked shapes, the gradients' types and
 * the hard sigmoid's float32 constant.
 */

export interface Shapes {
  readonly batch: number;
  readonly time: number;
  readonly inputDim: number;
  readonly units: number;
}

export function checkShapes(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor): Shapes {
  const [batch, time, inputDim] = x.shape as [number, number, number];
  const units = recurrentKernel.shape[0] as number;
  const ok =
    x.rank === 3 &&
    kernel.rank === 2 &&
    kernel.shape[0] === inputDim &&
    kernel.shape[1] === 4 * units &&
    recurrentKernel.rank === 2 &&
    recurrentKernel.shape[1] === 4 * units &&
    bias.rank === 1 &&
    bias.shape[0] === 4 * units &&
    time > 0;
  if (!ok) {
    throw new Error(
      `lstmSequence: shapes x ${JSON.stringify(x.shape)}, kernel ${JSON.stringify(kernel.shape)}, ` +
        `recurrentKernel ${JSON.stringify(recurrentKernel.shape)}, bias ${JSON.stringify(bias.shape)} ` +
        'do not fit [b, t, d], [d, 4u], [u, 4u], [4u] with t > 0',
    );
  }
  for (const t of [x, kernel, recurrentKernel, bias]) {
    if (t.dtype !== 'float32') throw new Error(`lstmSequence: float32 tensors only, got ${t.dtype}`);
  }
  return { batch, time, inputDim, units };
}

export type Grads = [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];

/** tfjs-layers' hard sigmoid in float32 steps: `clip(fround(fround(0.2) * z) + 0.5, 0, 1)`. */
export const POINT_TWO = Math.fround(0.2);

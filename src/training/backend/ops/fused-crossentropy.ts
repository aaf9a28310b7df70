import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { compiledModelFields, isStockCategoricalAccuracy, sequentialFields } from '../internals';

// Math's functions bound once: inside jest's vm context every `Math.x` is a global lookup through
// the sandbox's interceptors, which slows hot loops several times under test.
const log = Math.log;

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Reads a float32 tensor's data in place: wasm's heap (a view) or cpu's own array. */
function dataOf(t: tf.Tensor): Float32Array {
  return tf.getBackend() === 'wasm'
    ? ((tf.backend() as BackendWasm).typedArrayFromHeap(t) as Float32Array)
    : (t.dataSync() as Float32Array);
}

/**
 * tfjs-layers' `categoricalCrossentropy` on probabilities — per sample
 * `-Σ_j t_j log(clip(p_j / Σ_k p_k, ε, 1 - ε))` — as one op with its gradient written out:
 * `g_k = (d_k - Σ_j d_j q_j) / s` with `q = p / s`, `d_j = -dy t_j / clip(q_j)` where the clip passes
 * (bounds included, as tfjs's clip gradient) and 0 elsewhere. The stock function runs ~9 taped
 * kernels and its gradient ~15 more per step. 2-D float32 on wasm and cpu; the stock function
 * otherwise. Values are summed in float64 (tfjs: float32), a difference of float32 ulps.
 */
export const fusedCategoricalCrossentropy: LossFn = (yTrue, yPred) => {
  const name = tf.getBackend();
  if (
    (name !== 'wasm' && name !== 'cpu') ||
    yPred.rank !== 2 ||
    yPred.dtype !== 'float32' ||
    !tf.util.arraysEqual(yTrue.shape, yPred.shape)
  ) {
    return stockLoss(yTrue, yPred);
  }
  const epsilon = tf.backend().epsilon();
  const [rows, cols] = yPred.shape as [number, number];
  // A copy: a wasm view would detach at the next allocation.
  const targets = Float32Array.from(yTrue.dtype === 'float32' ? dataOf(yTrue) : yTrue.dataSync());
  const op = tf.customGrad((...args: unknown[]) => {
    const [p, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([p]);
    const losses = new Float32Array(rows);
    crossentropy(dataOf(p), targets, rows, cols, epsilon, losses);
    return {
      value: tf.tensor1d(losses),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grad = new Float32Array(rows * cols);
        const probabilities = saved[0] as tf.Tensor;
        crossentropyGrad(dataOf(probabilities), targets, dataOf(dy), rows, cols, epsilon, grad);
        return tf.tensor2d(grad, [rows, cols]);
      },
    };
  });
  return op(yPred);
};

/** tfjs-layers' own function (not exported by tfjs): the same formula in tensor ops. */
function stockLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const last = yPred.shape.length - 1;
    const epsilon = tf.backend().epsilon();
    const q = tf.clipByValue(tf.div(yPred, tf.sum(yPred, last, true)), epsilon, 1 - epsilon);
    return tf.neg(tf.sum(tf.mul(tf.cast(yTrue, 'float32'), tf.log(q)), last));
  });
}

function crossentropy(
  p: Float32Array,
  t: Float32Array,
  rows: number,
  cols: number,
  epsilon: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += p[row + j] as number;
    let loss = 0;
    for (let j = 0; j < cols; j++) {
      const tj = t[row + j] as number;
      if (tj === 0) continue;
      const q = (p[row + j] as number) / s;
      loss -= tj * log(q < epsilon ? epsilon : q > 1 - epsilon ? 1 - epsilon : q);
    }
    out[r] = loss;
  }
}

function crossentropyGrad(
  p: Float32Array,
  t: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
  epsilon: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += p[row + j] as number;
    const g = dy[r] as number;
    // out holds d_j first, then the gradient.
    let dq = 0;
    for (let j = 0; j < cols; j++) {
      const q = (p[row + j] as number) / s;
      const d = q >= epsilon && q <= 1 - epsilon ? (-g * (t[row + j] as number)) / q : 0;
      out[row + j] = d;
      dq += d * q;
    }
    for (let j = 0; j < cols; j++) out[row + j] = ((out[row + j] as number) - dq) / s;
  }
}

/**
 * tfjs-layers' `categoricalAccuracy` (1 where the first arg-max of the target and of the prediction
 * agree, else 0, per sample) in one JS pass: its four kernels run under the training tape every
 * step. 2-D float32 predictions on wasm and cpu; the stock formula otherwise.
 */
export const fusedCategoricalAccuracy: LossFn = (yTrue, yPred) => {
  const name = tf.getBackend();
  if (
    (name !== 'wasm' && name !== 'cpu') ||
    yPred.rank !== 2 ||
    yPred.dtype !== 'float32' ||
    !tf.util.arraysEqual(yTrue.shape, yPred.shape)
  ) {
    return tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32'));
  }
  const [rows, cols] = yPred.shape as [number, number];
  const targets = Float32Array.from(yTrue.dtype === 'float32' ? dataOf(yTrue) : yTrue.dataSync());
  const hits = new Float32Array(rows);
  accuracy(targets, dataOf(yPred), rows, cols, hits);
  return tf.tensor1d(hits);
};

function argMaxAt(values: Float32Array, row: number, cols: number): number {
  let best = 0;
  for (let j = 1; j < cols; j++) if ((values[row + j] as number) > (values[row + best] as number)) best = j;
  return best;
}

function accuracy(t: Float32Array, p: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) out[r] = argMaxAt(t, r * cols, cols) === argMaxAt(p, r * cols, cols) ? 1 : 0;
}

/**
 * Swaps a compiled model's `'categoricalCrossentropy'` loss for {@link fusedCategoricalCrossentropy}
 * and its categorical `'acc'` metric for {@link fusedCategoricalAccuracy}, in place (a Sequential's
 * inner model holds them). The model keeps the names (its metrics, training config and saved form
 * are the stock ones: a reloaded model compiles with tfjs's own). Returns whether it swapped the loss.
 */
export function useFusedCrossentropy(model: tf.LayersModel): boolean {
  const outer = compiledModelFields(model);
  const inner = sequentialFields(model).model;
  const compiled = outer.lossFunctions === undefined && inner !== undefined ? compiledModelFields(inner) : outer;
  const fns = compiled.lossFunctions;
  if (compiled.loss !== 'categoricalCrossentropy' || fns === undefined || fns.length !== 1) return false;
  fns[0] = fusedCategoricalCrossentropy;
  for (const entry of compiled.metricsTensors ?? []) {
    if (isStockCategoricalAccuracy(entry[0])) entry[0] = fusedCategoricalAccuracy;
  }
  return true;
}

import * as tf from '@tensorflow/tfjs';

/** Acquisition values of the m rows of an m x D tensor of encoded points; differentiable in them. */
export type AcquisitionEvaluator = (points: tf.Tensor2D) => tf.Tensor1D;

const BATCH = 2048;

/** Values of `evaluate` at encoded points, in batches of one tensor op each; NaN stays NaN. */
export function scoreWith(evaluate: AcquisitionEvaluator, points: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(points.length);
  if (points.length === 0) return out;
  const dims = (points[0] as Float64Array).length;
  for (let from = 0; from < points.length; from += BATCH) {
    const rows = points.slice(from, from + BATCH);
    const values = tf.tidy(() => evaluate(toTensor(rows, dims)));
    out.set(values.dataSync(), from);
    values.dispose();
  }
  return out;
}

/**
 * Values and gradients (in the encoded coordinates) of `evaluate` at k points, in one tensor call:
 * the rows are independent, so the gradient of their sum is each row's own. The tensors hold
 * float32 (the cpu backend's only float type); the caller's search keeps its state in float64.
 */
export function valuesAndGradients(
  evaluate: AcquisitionEvaluator,
  points: readonly Float64Array[],
): { values: Float64Array; grads: Float64Array[] } {
  const k = points.length;
  const dims = (points[0] as Float64Array).length;
  const captured: { values: tf.Tensor | null } = { values: null };
  const gradient = tf.grad((input: tf.Tensor) => {
    const v = evaluate(input as tf.Tensor2D);
    captured.values = tf.keep(v.clone());
    return tf.sum(v);
  });
  let grad = new Float64Array(k * dims).fill(NaN);
  tf.tidy(() => {
    grad = Float64Array.from(gradient(toTensor(points, dims)).dataSync());
  });
  const kept = captured.values as tf.Tensor | null;
  const values = kept === null ? new Float64Array(k).fill(NaN) : Float64Array.from(kept.dataSync());
  kept?.dispose();
  const grads = points.map((_, i) => grad.slice(i * dims, (i + 1) * dims));
  return { values, grads };
}

function toTensor(rows: readonly Float64Array[], dims: number): tf.Tensor2D {
  const flat = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => flat.set(r, i * dims));
  return tf.tensor2d(flat, [rows.length, dims]);
}

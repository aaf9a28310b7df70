import * as tf from '@tensorflow/tfjs';

// tfjs's test mode: quiets its "install tfjs-node" banner and makes the engine check every kernel
// call for leaked backend data (a replacement kernel that forgets a dispose throws).
tf.env().set('IS_TEST', true);

/** Both backends the wasm kernels are checked against; cpu has every kernel natively. */
export type Side = 'cpu' | 'wasm';

/**
 * Max absolute difference divided by the reference's max magnitude: a norm-wise relative error
 * that does not blow up on entries near zero.
 */
export function relativeError(actual: tf.Tensor | number[], expected: tf.Tensor | number[]): number {
  const a = Array.from(actual instanceof tf.Tensor ? actual.dataSync() : actual);
  const e = Array.from(expected instanceof tf.Tensor ? expected.dataSync() : expected);
  if (a.length !== e.length) throw new Error(`length ${a.length} vs ${e.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? Number.NaN) - (e[i] ?? Number.NaN)));
    scale = Math.max(scale, Math.abs(e[i] ?? 0));
  }
  return diff / Math.max(scale, 1e-12);
}

/** Deterministic N(0, 1) values for a shape, the same on every backend. */
export function values(shape: number[], seed: number): number[] {
  return tf.tidy(() => Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));
}

/** Runs `body` on a backend and returns plain arrays, leaving no tensor behind. */
export async function onBackend<T>(side: Side, body: () => T): Promise<T> {
  await tf.setBackend(side);
  const before = tf.memory().numTensors;
  const result = body();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${side}: ${after - before} tensors leaked`);
  return result;
}

/** `tf.grads` of `sum(f(...)^2)`, read back as arrays (so they can cross backends). */
export function gradsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Array<[number[], number[]]>): number[][] {
  return tf.tidy(() => {
    const xs = inputs.map(([shape, data]) => tf.tensor(data, shape));
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.square(f(...args))))(xs);
    return grads.map((g) => Array.from(g.dataSync()));
  });
}

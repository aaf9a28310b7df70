import * as path from 'path';

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

let wasmPathsSet = false;

/** Activates a backend; wasm with its binaries found in its package (as src/training/backend does). */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not load`);
  await tf.ready();
}

/** Runs `body` and fails if it left tensors behind. */
export function expectNoLeak<T>(body: () => T): T {
  const before = tf.memory().numTensors;
  const out = body();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/** A deterministic pseudo-random stream for test data (no Math.random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Matérn 5/2 or RBF of scaled squared distance, in float64. */
export function kernel64(kernel: 'matern52' | 'rbf', s: number): number {
  if (kernel === 'rbf') return Math.exp(-s / 2);
  const r = Math.sqrt(5 * s);
  return (1 + r + (5 * s) / 3) * Math.exp(-r);
}

/** The GP posterior mean and variance in float64 with ml-matrix: the reference. */
export function referencePosterior(
  kernel: 'matern52' | 'rbf',
  x: number[][],
  y: number[],
  weights: number[],
  scale: number,
  noise: number,
  points: number[][],
): { mean: number[]; variance: number[] } {
  const k = (a: number[], b: number[]): number =>
    scale *
    kernel64(
      kernel,
      a.reduce((s, ai, d) => s + (weights[d] as number) * (ai - (b[d] as number)) ** 2, 0),
    );
  const n = x.length;
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, k(x[i]!, x[j]!) + (i === j ? noise : 0));
  const chol = new CholeskyDecomposition(K);
  const alpha = chol.solve(Matrix.columnVector(y));
  const mean: number[] = [];
  const variance: number[] = [];
  for (const p of points) {
    const kx = Matrix.columnVector(x.map((xi) => k(p, xi)));
    mean.push(kx.transpose().mmul(alpha).get(0, 0));
    variance.push(scale - kx.transpose().mmul(chol.solve(kx)).get(0, 0));
  }
  return { mean, variance };
}

import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../../src/training/backend/select-backend';
import { patchedWasmKernels } from '../../../src/training/backend/kernels/register-wasm-kernels';

type Case = [number[], number[], 'float32' | 'int32' | 'bool'];

async function tileOn(backend: string, shape: number[], reps: number[], dtype: Case[2]): Promise<number[]> {
  await tf.setBackend(backend);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 2 : i * 1.5 - 3));
  return tf.tidy(() => Array.from(tf.tile(tf.tensor(values, shape, dtype), reps).dataSync()));
}

describe('wasm Tile (JS on wasm memory)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('is registered for wasm', () => {
    expect(patchedWasmKernels()).toContain('Tile');
  });

  it.each<Case>([
    [[1, 1, 1, 16], [4, 3, 2, 1], 'float32'], // the batch-norm gradient's case
    [[2, 3], [3, 2], 'float32'],
    [[3], [4], 'int32'],
    [[2, 1, 3], [1, 4, 2], 'float32'],
    [[2, 2], [1, 1], 'bool'],
    [[4, 5, 6], [2, 3, 1], 'int32'],
    [[], [], 'float32'],
  ])('tile(%j, %j) %s equals the cpu backend', async (shape, reps, dtype) => {
    const before = tf.memory().numTensors;
    const ours = await tileOn('wasm', shape, reps, dtype);
    expect(tf.memory().numTensors).toBe(before);
    const reference = await tileOn('cpu', shape, reps, dtype);
    expect(ours).toEqual(reference);
    await tf.setBackend('wasm');
  });
});

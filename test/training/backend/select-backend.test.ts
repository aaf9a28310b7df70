import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../../../src/errors';
import {
  BACKEND_ENV_VAR,
  BackendUnavailableError,
  DILATED_DEPTHWISE_GRADIENT,
  describeBackend,
  initBackend,
} from '../../../src/training/backend';

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const hasTfjsNode = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

describe('initBackend', () => {
  const saved = process.env[BACKEND_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  });

  it('picks the fastest backend that loads, logging what it skipped', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const messages: string[] = [];
    const info = await initBackend({ log: (m) => messages.push(m) });
    expect(info.name).toBe(hasTfjsNode ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(info.name);
    if (!hasTfjsNode) {
      expect(messages.some((m) => m.includes('skipping tensorflow'))).toBe(true);
      expect(info.version).toBe('4.22.0');
      expect(info.threads).toBe(1); // wasm multithreading is off in Node
      expect(info.kernelsPatched).toEqual(
        expect.arrayContaining([
          'Conv2DBackpropFilter',
          'UnsortedSegmentSum',
          'MaxPoolGrad',
          DILATED_DEPTHWISE_GRADIENT,
        ]),
      );
    }
  });

  it('is cheap and unchanged the second time', async () => {
    const first = await initBackend({ backend: 'wasm' });
    const start = performance.now();
    const second = await initBackend({ backend: 'wasm' });
    expect(performance.now() - start).toBeLessThan(50);
    expect(second).toEqual(first);
  });

  it('honours TFJS_TUNE_BACKEND', async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const info = await initBackend();
    expect(info).toMatchObject({ name: 'cpu', threads: 1, kernelsPatched: [DILATED_DEPTHWISE_GRADIENT] });
    expect(tf.getBackend()).toBe('cpu');
    process.env[BACKEND_ENV_VAR] = ' WASM ';
    expect((await initBackend()).name).toBe('wasm');
  });

  it('lets options.backend win over the environment', async () => {
    process.env[BACKEND_ENV_VAR] = 'wasm';
    expect((await initBackend({ backend: 'cpu' })).name).toBe('cpu');
  });

  it('rejects an unknown TFJS_TUNE_BACKEND, naming it, the value and the allowed ones', async () => {
    process.env[BACKEND_ENV_VAR] = 'gpu';
    const error = await initBackend().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(`${BACKEND_ENV_VAR}: got "gpu"; expected one of "tensorflow", "wasm", "cpu"`);
  });

  (hasTfjsNode ? it.skip : it)('fails clearly when the forced backend is not installed', async () => {
    process.env[BACKEND_ENV_VAR] = 'tensorflow';
    const before = tf.getBackend();
    const error = await initBackend().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error).toBeInstanceOf(TfjsTuneError);
    const message = (error as Error).message;
    expect(message).toContain(`${BACKEND_ENV_VAR}="tensorflow"`);
    expect(message).toContain('"tensorflow", "wasm", "cpu"');
    expect(message).toContain("Cannot find module '@tensorflow/tfjs-node'");
    expect(tf.getBackend()).toBe(before); // nothing changed
    expect(process.env['TF_NUM_INTRAOP_THREADS']).toBeUndefined();
  });
});

describe('describeBackend', () => {
  it('renders a one-line CLI header', () => {
    expect(describeBackend({ name: 'wasm', version: '4.22.0', threads: 1, kernelsPatched: ['a', 'b'] })).toBe(
      'wasm 4.22.0, 1 thread, 2 kernels patched',
    );
    expect(describeBackend({ name: 'tensorflow', threads: 8, kernelsPatched: ['x'] })).toBe(
      'tensorflow, 8 threads, 1 kernel patched',
    );
    expect(describeBackend({ name: 'cpu', kernelsPatched: [] })).toBe('cpu');
  });
});

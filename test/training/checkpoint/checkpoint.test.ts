import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../../src/errors';
import { disposeModel } from '../../../src/training/dispose-model';
import * as ckpt from '../../../src/api/checkpoints';
import { writeFilesAtomically } from '../../../src/training/checkpoint/atomic-write';
import { blobs, tinyClassifier, useCpu } from '../callbacks/fixtures';

beforeAll(useCpu);

let root: string;
beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'tfjs-tune-ckpt-'));
});
afterAll(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

const fitArgs = { batchSize: 8, shuffle: false, verbose: 0 } as const;
const weightsOf = (m: tf.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('saveCheckpoint / loadCheckpoint', () => {
  it('Adam: 2 epochs + checkpoint + load + 1 epoch == 3 epochs straight, bit for bit', async () => {
    const { x, y } = blobs(32);
    const before = tf.memory().numTensors;
    const straight = tinyClassifier(5, tf.train.adam(0.01));
    await straight.fit(x, y, { ...fitArgs, epochs: 3 });

    const first = tinyClassifier(5, tf.train.adam(0.01));
    await first.fit(x, y, { ...fitArgs, epochs: 2 });
    const dir = path.join(root, 'adam');
    await ckpt.saveCheckpoint(first, dir, { metadata: { epoch: 2, trial: 7 } });
    disposeModel(first);

    const { model, metadata, optimizerRestored } = await ckpt.loadCheckpoint(dir);
    expect(metadata).toEqual({ epoch: 2, trial: 7 });
    expect(optimizerRestored).toBe(true);
    expect(model.optimizer.getClassName()).toBe('Adam');
    expect(model.optimizer.getConfig()['learningRate']).toBe(0.01);
    await model.fit(x, y, { ...fitArgs, epochs: 3, initialEpoch: 2 });
    expect(weightsOf(model)).toEqual(weightsOf(straight));

    disposeModel(model);
    disposeModel(straight);
    expect(tf.memory().numTensors).toBe(before);
    expect((await fsp.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']); // no temp files left
    tf.dispose([x, y]);
  });

  it.each([
    ['sgd', () => tf.train.sgd(0.1)],
    ['momentum', () => tf.train.momentum(0.1, 0.9)],
    ['rmsprop', () => tf.train.rmsprop(0.01, 0.9, 0.5)],
    ['adagrad', () => tf.train.adagrad(0.1)],
    ['adadelta', () => tf.train.adadelta(1)],
  ])('%s resumes exactly too', async (name, make) => {
    const { x, y } = blobs(16);
    const straight = tinyClassifier(9, make());
    await straight.fit(x, y, { ...fitArgs, epochs: 2 });
    const first = tinyClassifier(9, make());
    await first.fit(x, y, { ...fitArgs, epochs: 1 });
    await ckpt.saveCheckpoint(first, path.join(root, name));
    const { model } = await ckpt.loadCheckpoint(path.join(root, name));
    await model.fit(x, y, { ...fitArgs, epochs: 1 });
    expect(weightsOf(model)).toEqual(weightsOf(straight));
    [first, model, straight].forEach(disposeModel);
    tf.dispose([x, y]);
  });

  it('predictions are identical after save -> load; compile: false gives an inference model', async () => {
    const { x, y } = blobs(16);
    const before = tf.memory().numTensors;
    const model = tinyClassifier(2, tf.train.adam(0.01));
    await model.fit(x, y, { ...fitArgs, epochs: 1 });
    const dir = path.join(root, 'predict');
    await ckpt.saveCheckpoint(model, dir, { includeOptimizer: false });
    const { model: loaded, optimizerRestored } = await ckpt.loadCheckpoint(dir, { compile: false });
    expect(optimizerRestored).toBe(false);
    expect(loaded.optimizer).toBeUndefined();
    const [p1, p2] = tf.tidy(() => [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor]);
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    tf.dispose([p1, p2]);
    disposeModel(model);
    disposeModel(loaded);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('compile args: the optimiser must match the saved class; Adamax state cannot be saved', async () => {
    const model = tinyClassifier(2, tf.train.adam(0.01));
    const dir = path.join(root, 'classes');
    await ckpt.saveCheckpoint(model, dir);
    await expect(
      ckpt.loadCheckpoint(dir, { compile: { optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' } }),
    ).rejects.toThrow(/holds Adam optimizer state but the model is compiled with SGD/);
    const ok = await ckpt.loadCheckpoint(dir, { compile: { optimizer: 'adam', loss: 'categoricalCrossentropy' } });
    expect(ok.optimizerRestored).toBe(true);
    disposeModel(ok.model);
    disposeModel(model);

    const adamax = tinyClassifier(2, tf.train.adamax(0.01));
    await expect(ckpt.saveCheckpoint(adamax, path.join(root, 'adamax'))).rejects.toThrow(/Adamax/);
    await ckpt.saveCheckpoint(adamax, path.join(root, 'adamax'), { includeOptimizer: false });
    disposeModel(adamax);
  });
});

describe('broken checkpoints are clear errors', () => {
  async function saved(name: string): Promise<string> {
    const model = tinyClassifier(2);
    const dir = path.join(root, name);
    await ckpt.saveCheckpoint(model, dir);
    disposeModel(model);
    return dir;
  }

  it('missing directory or file', async () => {
    await expect(ckpt.loadCheckpoint(path.join(root, 'nope'))).rejects.toThrow(
      /nope[/\\]model\.json: not found; expected/,
    );
    const dir = await saved('no-weights');
    await fsp.rm(path.join(dir, 'weights.bin'));
    await expect(ckpt.loadCheckpoint(dir)).rejects.toThrow(/weights\.bin: not found; expected the weights file/);
  });

  it('truncated weights', async () => {
    const dir = await saved('truncated');
    const file = path.join(dir, 'weights.bin');
    const size = (await fsp.stat(file)).size;
    await fsp.truncate(file, size - 10);
    await expect(ckpt.loadCheckpoint(dir)).rejects.toThrow(
      new RegExp(
        `weights\\.bin: truncated: expected ${size} bytes \\(the tensors listed in model\\.json's weightsManifest\\), found ${size - 10}`,
      ),
    );
  });

  it('corrupted weights (same size) fail the checksum', async () => {
    const dir = await saved('corrupt');
    const file = path.join(dir, 'weights.bin');
    const bytes = await fsp.readFile(file);
    bytes[3] = (bytes[3] as number) ^ 0xff;
    await fsp.writeFile(file, bytes);
    await expect(ckpt.loadCheckpoint(dir)).rejects.toThrow(/does not match the SHA-256 recorded in/);
  });

  it('malformed or incomplete model.json', async () => {
    const dir = await saved('malformed');
    const file = path.join(dir, 'model.json');
    const good = await fsp.readFile(file, 'utf8');
    await fsp.writeFile(file, good.slice(0, good.length / 2));
    await expect(ckpt.loadCheckpoint(dir)).rejects.toThrow(
      /model\.json: malformed JSON .*; expected the model\.json of a checkpoint/,
    );
    const json = JSON.parse(good) as Record<string, unknown>;
    await fsp.writeFile(file, JSON.stringify({ ...json, modelTopology: undefined }));
    await expect(ckpt.loadCheckpoint(dir)).rejects.toThrow(/model\.json: expected "modelTopology"/);
    await fsp.writeFile(file, JSON.stringify({ ...json, weightsManifest: [{ paths: ['../x.bin'], weights: [] }] }));
    await expect(ckpt.loadCheckpoint(dir)).rejects.toThrow(/expected a file name inside the checkpoint directory/);
    await fsp.writeFile(file, JSON.stringify({ ...json, tfjsTune: { version: 99 } }));
    await expect(ckpt.loadCheckpoint(dir)).rejects.toBeInstanceOf(TfjsTuneError);
  });

  it('a failed write leaves the previous checkpoint intact and no temp files', async () => {
    const dir = await saved('atomic');
    const before = await fsp.readFile(path.join(dir, 'weights.bin'));
    await expect(
      writeFilesAtomically(dir, [
        { name: 'weights.bin', data: new Uint8Array([1, 2, 3]) },
        { name: 'missing-subdir/model.json', data: '{}' },
      ]),
    ).rejects.toThrow();
    expect(await fsp.readFile(path.join(dir, 'weights.bin'))).toEqual(before);
    expect((await fsp.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const { model } = await ckpt.loadCheckpoint(dir);
    disposeModel(model);
  });

  it('the handler also works with model.save / tf.loadLayersModel directly', async () => {
    const model = tinyClassifier(4);
    const dir = path.join(root, 'handler');
    await model.save(new ckpt.CheckpointHandler(dir, { metadata: { note: 'direct' } }));
    const again = await tf.loadLayersModel(new ckpt.CheckpointHandler(dir));
    expect(weightsOf(again)).toEqual(weightsOf(model));
    expect((await ckpt.readCheckpoint(dir)).info.metadata).toEqual({ note: 'direct' });
    disposeModel(again);
    disposeModel(model);
  });
});

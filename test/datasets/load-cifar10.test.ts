import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DatasetFormatError } from '../../datasets/errors';
import { CIFAR10_CLASS_NAMES, loadCifar10 } from '../../src/api/datasets';

/** One CIFAR-10 binary record: label, then R, G, B planes; pixel values follow a formula we can check. */
function record(label: number, seed: number): Buffer {
  const b = Buffer.alloc(3073);
  b[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) b[1 + c * 1024 + p] = (seed * 31 + c * 97 + p * 7) % 256;
  return b;
}

describe('loadCifar10', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfjs-tune-cifar-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads channel-major records into NHWC floats in [0, 1], train batches in order', async () => {
    await fs.writeFile(path.join(dir, 'a.bin'), Buffer.concat([record(3, 0), record(9, 1)]));
    await fs.writeFile(path.join(dir, 'b.bin'), record(0, 2));
    await fs.writeFile(path.join(dir, 'test_batch.bin'), record(7, 3));
    const { train, val, test } = await loadCifar10(dir, { batches: ['a.bin', 'b.bin'], valFraction: 0 });
    expect(val.xShape).toEqual([0, 32, 32, 3]);
    expect(train.xShape).toEqual([3, 32, 32, 3]);
    expect(Array.from(train.y)).toEqual([3, 9, 0]);
    expect(train.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(test?.xShape).toEqual([1, 32, 32, 3]);
    expect(Array.from(test?.y ?? [])).toEqual([7]);
    // Image 1, row 5, column 17, channel 2 (blue) is byte 1 + 2·1024 + 5·32 + 17 of record 1.
    const p = 5 * 32 + 17;
    expect(train.x[(1 * 1024 + p) * 3 + 2]).toBeCloseTo(((1 * 31 + 2 * 97 + p * 7) % 256) / 255, 6);
    expect(train.x[(2 * 1024 + 0) * 3 + 0]).toBeCloseTo(((2 * 31) % 256) / 255, 6);
  });

  it('finds the files in the cifar-10-batches-bin folder the tarball makes, with class names from batches.meta.txt', async () => {
    const nested = path.join(dir, 'cifar-10-batches-bin');
    await fs.mkdir(nested);
    for (let k = 1; k <= 5; k++) await fs.writeFile(path.join(nested, `data_batch_${k}.bin`), record(k, k));
    await fs.writeFile(path.join(nested, 'test_batch.bin'), record(0, 0));
    const names = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'];
    await fs.writeFile(path.join(nested, 'batches.meta.txt'), names.join('\n') + '\n\n');
    const { train, test } = await loadCifar10(dir, { valFraction: 0 });
    expect(Array.from(train.y)).toEqual([1, 2, 3, 4, 5]);
    // By default, as every loader: a val split cut from the training batches.
    const split = await loadCifar10(dir, { seed: 1 });
    expect([split.train.xShape[0], split.val.xShape[0]]).toEqual([4, 1]);
    expect([...split.train.y, ...split.val.y].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(train.classNames).toEqual(names);
    expect(test?.classNames).toEqual(names);
    const noTest = await loadCifar10(nested, { batches: ['data_batch_1.bin'], testBatch: null });
    expect(noTest.test).toBeUndefined();
  });

  it('rejects a truncated file, naming it and the record size', async () => {
    const file = path.join(dir, 'data_batch_1.bin');
    await fs.writeFile(file, Buffer.concat([record(1, 1), record(2, 2)]).subarray(0, 5000));
    await fs.writeFile(path.join(dir, 'test_batch.bin'), record(0, 0));
    const load = loadCifar10(dir, { batches: ['data_batch_1.bin'] });
    await expect(load).rejects.toThrow(DatasetFormatError);
    await expect(loadCifar10(dir, { batches: ['data_batch_1.bin'] })).rejects.toThrow(
      new RegExp(`${file.replace(/[\\.]/g, '\\$&')}.*5000 bytes.*3073`),
    );
  });

  it('rejects a label byte above 9 and a missing file, naming the file', async () => {
    await fs.writeFile(path.join(dir, 'bad.bin'), Buffer.concat([record(1, 1), record(12, 2)]));
    await expect(loadCifar10(dir, { batches: ['bad.bin'], testBatch: null })).rejects.toThrow(
      /bad\.bin: record 1 .* label byte 12; expected 0–9/,
    );
    await expect(loadCifar10(dir, { batches: ['nope.bin'], testBatch: null })).rejects.toThrow(
      /nope\.bin: cannot read/,
    );
  });
});

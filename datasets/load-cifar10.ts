import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { InvalidArgumentError } from '../src/errors';
import { DatasetFormatError } from './errors';
import { cutValidation } from './splits';
import type { Dataset, DatasetSplits } from './types';

export interface LoadCifar10Options {
  /** Training batch files, relative to the folder. Default: `data_batch_1.bin` … `data_batch_5.bin`. */
  batches?: string[];
  /** The test batch file; `null` skips it. Default `test_batch.bin`. */
  testBatch?: string | null;
  /** The share of the training batches held out as `val` (stratified; 0 leaves `val` empty). Default 0.2. */
  valFraction?: number;
  /** Seed of the train / val cut. Default 0. */
  seed?: number | string;
}

export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const SIDE = 32;
const PIXELS = SIDE * SIDE;
const RECORD = 1 + 3 * PIXELS; // label byte, then 1024 R, 1024 G, 1024 B bytes

/**
 * Reads the CIFAR-10 binary version (`cifar-10-binary.tar.gz`). `dir` is the folder holding the
 * `.bin` files, or the folder that holds `cifar-10-batches-bin/`. Each record is a label byte (0–9)
 * and 3072 pixel bytes, channel-major (all red, then green, then blue, each 32×32 row-major); images
 * come out NHWC `[N, 32, 32, 3]` in [0, 1]. Class names come from `batches.meta.txt` when present.
 * Returns the splits, as every loader and generator does: `train` and `val` cut from the training
 * batches (`valFraction`), `test` the test batch.
 */
export async function loadCifar10(dir: string, options: LoadCifar10Options = {}): Promise<DatasetSplits> {
  const batches = options.batches ?? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);
  const testBatch = options.testBatch === undefined ? 'test_batch.bin' : options.testBatch;
  if (batches.length === 0) throw new InvalidArgumentError('batches', batches, 'at least one batch file name');
  const root = await resolveRoot(dir, batches[0] as string);
  const classNames = await readClassNames(root);
  const train = await readBatches(
    batches.map((b) => path.join(root, b)),
    classNames,
  );
  const out = cutValidation(train, options.valFraction ?? 0.2, options.seed ?? 0);
  if (testBatch !== null) out.test = await readBatches([path.join(root, testBatch)], classNames);
  return out;
}

/** Decodes one batch file's bytes; exported for callers that have the bytes already (a fetch, a zip). */
export function decodeCifar10Batch(
  bytes: Uint8Array,
  file: string,
  classNames: readonly string[] = CIFAR10_CLASS_NAMES,
): Dataset {
  const n = checkBatchSize(bytes, file);
  const ds = emptyDataset(n, classNames);
  decodeInto(bytes, file, ds, 0);
  return ds;
}

/** Reads the files, checks them all, then decodes them into one dataset (no per-file copies to concatenate). */
async function readBatches(files: readonly string[], classNames: readonly string[]): Promise<Dataset> {
  const contents = await Promise.all(
    files.map(async (file) => {
      try {
        return await fs.readFile(file);
      } catch (e) {
        throw new DatasetFormatError(file, `cannot read the CIFAR-10 batch file: ${(e as Error).message}`);
      }
    }),
  );
  const counts = contents.map((bytes, k) => checkBatchSize(bytes, files[k] as string));
  const ds = emptyDataset(
    counts.reduce((a, b) => a + b, 0),
    classNames,
  );
  let at = 0;
  contents.forEach((bytes, k) => {
    decodeInto(bytes, files[k] as string, ds, at);
    at += counts[k] as number;
  });
  return ds;
}

/** The number of records in a batch, or an error naming the file when the size cannot be right. */
function checkBatchSize(bytes: Uint8Array, file: string): number {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DatasetFormatError(
      file,
      `size ${bytes.length} bytes is not a positive multiple of ${RECORD} (1 label byte + 3072 pixel bytes per image); the file is truncated or not a CIFAR-10 binary batch`,
    );
  }
  return bytes.length / RECORD;
}

function emptyDataset(n: number, classNames: readonly string[]): Dataset {
  return {
    x: new Float32Array(n * PIXELS * 3),
    xShape: [n, SIDE, SIDE, 3],
    y: new Int32Array(n),
    numClasses: 10,
    classNames: classNames.slice(),
  };
}

/** Writes the records of `bytes` into `ds` from sample `first` on, channel-major to NHWC. */
function decodeInto(bytes: Uint8Array, file: string, ds: Dataset, first: number): void {
  const n = bytes.length / RECORD;
  for (let r = 0; r < n; r++) {
    const at = r * RECORD;
    const label = bytes[at] as number;
    if (label > 9) {
      throw new DatasetFormatError(file, `record ${r} (byte offset ${at}) has label byte ${label}; expected 0–9`);
    }
    ds.y[first + r] = label;
    const out = (first + r) * PIXELS * 3;
    for (let p = 0; p < PIXELS; p++) {
      ds.x[out + p * 3] = (bytes[at + 1 + p] as number) / 255;
      ds.x[out + p * 3 + 1] = (bytes[at + 1 + PIXELS + p] as number) / 255;
      ds.x[out + p * 3 + 2] = (bytes[at + 1 + 2 * PIXELS + p] as number) / 255;
    }
  }
}

/** `dir` itself, or `dir/cifar-10-batches-bin` when that is where the batches are (as the tarball unpacks). */
async function resolveRoot(dir: string, probe: string): Promise<string> {
  const nested = path.join(dir, 'cifar-10-batches-bin');
  if (!(await exists(path.join(dir, probe))) && (await exists(path.join(nested, probe)))) return nested;
  return dir;
}

async function readClassNames(root: string): Promise<readonly string[]> {
  const file = path.join(root, 'batches.meta.txt');
  if (!(await exists(file))) return CIFAR10_CLASS_NAMES;
  const names = (await fs.readFile(file, 'utf8'))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (names.length !== 10)
    throw new DatasetFormatError(file, `has ${names.length} class names; expected 10, one a line`);
  return names;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

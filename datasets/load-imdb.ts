import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { Rng } from '../src/random';
import { subset, permutation } from './dataset-ops';
import { DatasetFormatError } from './errors';
import { buildVocabulary, encodeDocuments, tokenize, type Padding } from './text';
import { cutValidation } from './splits';
import type { Dataset, DatasetSplits } from './types';
import { checkInt, checkOneOf, checkSeed } from './validate';

export interface LoadImdbOptions {
  /** Vocabulary size including padding (0) and out-of-vocabulary (1). */
  vocabSize?: number;
  maxLen?: number;
  /** Zeros before ('pre', default: an RNN ends on the text) or after the words. */
  padding?: Padding;
  /** Long reviews lose their beginning ('pre', default: endings carry the verdict) or their end. */
  truncating?: Padding;
  /** Read at most this many files per class folder (the first by name), for quick experiments. */
  maxPerClass?: number;
  /** Also read `test/` (default true). */
  test?: boolean;
  /** Seed of the shuffle that mixes positive and negative reviews (the folders come sorted), and of the val cut. Default 0. */
  seed?: number | string;
  /**
   * The share of `train/` held out as `val` (stratified; 0 leaves `val` empty). Default 0.2. The
   * vocabulary comes from all of `train/`, so the val reviews' words are in it (the test set's never).
   */
  valFraction?: number;
}

/**
 * Reads the Large Movie Review Dataset as unpacked from `aclImdb_v1.tar.gz`: `dir/train/pos/*.txt`,
 * `dir/train/neg/*.txt` and the same under `dir/test/`. Labels: pos 1, neg 0. The vocabulary is the
 * `vocabSize − 2` commonest words of the training reviews only (see `tokenize`), so nothing about
 * the test set leaks into the features. `train/unsup` is ignored.
 */
export async function loadImdb(dir: string, options: LoadImdbOptions = {}): Promise<DatasetSplits> {
  const { vocabSize = 10000, maxLen = 200, padding = 'pre', truncating = 'pre', test = true, seed = 0 } = options;
  checkInt('vocabSize', vocabSize, 2);
  checkInt('maxLen', maxLen, 1);
  checkOneOf('padding', padding, ['pre', 'post']);
  checkOneOf('truncating', truncating, ['pre', 'post']);
  if (options.maxPerClass !== undefined) checkInt('maxPerClass', options.maxPerClass, 1);
  checkSeed(seed);
  const trainDocs = await readSplit(dir, 'train', options.maxPerClass);
  const testDocs = test ? await readSplit(dir, 'test', options.maxPerClass) : undefined;
  const vocabulary = buildVocabulary(trainDocs.tokens, vocabSize);
  const rng = new Rng(seed);
  const toDataset = (docs: Documents): Dataset => {
    const ds: Dataset = {
      x: encodeDocuments(docs.tokens, vocabulary, { maxLen, padding, truncating }),
      xShape: [docs.labels.length, maxLen],
      y: Int32Array.from(docs.labels),
      numClasses: 2,
      classNames: ['neg', 'pos'],
      vocabulary,
    };
    return subset(ds, permutation(docs.labels.length, rng));
  };
  const out = cutValidation(toDataset(trainDocs), options.valFraction ?? 0.2, `${seed}/val`);
  if (testDocs !== undefined) out.test = toDataset(testDocs);
  return out;
}

interface Documents {
  tokens: string[][];
  labels: number[];
}

async function readSplit(dir: string, split: string, maxPerClass: number | undefined): Promise<Documents> {
  const out: Documents = { tokens: [], labels: [] };
  for (const [label, folder] of [
    [0, 'neg'],
    [1, 'pos'],
  ] as const) {
    const classDir = path.join(dir, split, folder);
    let names: string[];
    try {
      names = (await fs.readdir(classDir)).filter((f) => f.endsWith('.txt'));
    } catch (e) {
      throw new DatasetFormatError(
        classDir,
        `cannot read the IMDb folder (expected ${split}/${folder}/*.txt under ${dir}): ${(e as Error).message}`,
      );
    }
    // readdir order is up to the file system; sort so the dataset is the same everywhere.
    names.sort(compareReviewNames);
    if (maxPerClass !== undefined) names = names.slice(0, maxPerClass);
    if (names.length === 0) throw new DatasetFormatError(classDir, 'no .txt reviews in this folder');
    for (const name of names) {
      out.tokens.push(tokenize(await fs.readFile(path.join(classDir, name), 'utf8')));
      out.labels.push(label);
    }
  }
  return out;
}

/** aclImdb names are `<id>_<rating>.txt`: order by the numeric id where both have one. */
function compareReviewNames(a: string, b: string): number {
  const ia = Number.parseInt(a, 10);
  const ib = Number.parseInt(b, 10);
  if (Number.isFinite(ia) && Number.isFinite(ib) && ia !== ib) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}

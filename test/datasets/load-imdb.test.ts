import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DatasetFormatError } from '../../datasets/errors';
import { loadImdb, tokenize, type Dataset } from '../../src/api/datasets';

const decode = (ds: Dataset, i: number): string[] => {
  const len = ds.xShape[1] as number;
  return Array.from(ds.x.subarray(i * len, (i + 1) * len), (id) => (ds.vocabulary as string[])[id] as string);
};

describe('tokenize', () => {
  it('lowercases, drops <br /> tags and punctuation, keeps inner apostrophes', () => {
    expect(tokenize("This film... wasn't GOOD.<br /><br />'Really' (8/10)!")).toEqual([
      'this',
      'film',
      "wasn't",
      'good',
      'really',
      '8',
      '10',
    ]);
    expect(tokenize('café—naïve')).toEqual(['café', 'naïve']);
  });
});

describe('loadImdb', () => {
  let dir: string;
  const reviews: Record<string, string[]> = {
    'train/pos': ['Great great movie, loved it.', 'A great cast<br />and great music'],
    'train/neg': ['Awful movie. Awful!', 'boring and awful plot'],
    'test/pos': ['great zebra'],
    'test/neg': ['awful zebra movie'],
  };
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfjs-tune-imdb-'));
    for (const [folder, texts] of Object.entries(reviews)) {
      await fs.mkdir(path.join(dir, folder), { recursive: true });
      for (const [k, text] of texts.entries()) await fs.writeFile(path.join(dir, folder, `${k}_${k + 5}.txt`), text);
    }
    await fs.writeFile(path.join(dir, 'train/pos/notes.md'), 'not a review');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('builds the vocabulary from the training reviews only and labels pos 1, neg 0', async () => {
    const { train, val, test } = await loadImdb(dir, { vocabSize: 6, maxLen: 5, seed: 1, valFraction: 0 });
    expect(val.xShape).toEqual([0, 5]);
    // Counts: great 4, awful 3, then and 2 and movie 2 (ties alphabetically); test words never count.
    expect(train.vocabulary).toEqual(['<pad>', '<oov>', 'great', 'awful', 'and', 'movie']);
    expect(train.xShape).toEqual([4, 5]);
    expect(train.classNames).toEqual(['neg', 'pos']);
    expect([...train.y].sort()).toEqual([0, 0, 1, 1]);
    // "zebra" occurs only in test: out of vocabulary there.
    const t = test as Dataset;
    const rows = [0, 1].map((i) => ({ label: t.y[i], words: decode(t, i) }));
    expect(rows.find((r) => r.label === 1)?.words).toEqual(['<pad>', '<pad>', '<pad>', 'great', '<oov>']);
    expect(rows.find((r) => r.label === 0)?.words).toEqual(['<pad>', '<pad>', 'awful', '<oov>', 'movie']);
  });

  it('truncates the beginning and pads in front by default; post options do the opposite', async () => {
    const pre = await loadImdb(dir, { vocabSize: 100, maxLen: 3, test: false, seed: 0 });
    const longest = (ds: Dataset): string[] | undefined =>
      Array.from({ length: 4 }, (_, i) => decode(ds, i)).find((w) => w.includes('music'));
    expect(longest(pre.train)).toEqual(['and', 'great', 'music']);
    expect(pre.test).toBeUndefined();
    const post = await loadImdb(dir, { vocabSize: 100, maxLen: 8, padding: 'post', truncating: 'post', test: false });
    const short = Array.from({ length: 4 }, (_, i) => decode(post.train, i)).find((w) => w[0] === 'boring');
    expect(short).toEqual(['boring', 'and', 'awful', 'plot', '<pad>', '<pad>', '<pad>', '<pad>']);
    const cut = await loadImdb(dir, { vocabSize: 100, maxLen: 2, truncating: 'post', test: false });
    expect(Array.from({ length: 4 }, (_, i) => decode(cut.train, i).join(' '))).toContain('a great');
  });

  it('is deterministic for a seed and honours maxPerClass', async () => {
    const a = await loadImdb(dir, { seed: 3, maxLen: 10 });
    const b = await loadImdb(dir, { seed: 3, maxLen: 10 });
    expect(a.train.x).toEqual(b.train.x);
    const one = await loadImdb(dir, { maxPerClass: 1, maxLen: 10 });
    expect(one.train.xShape[0]).toBe(2);
  });

  it('names the missing folder', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'tfjs-tune-imdb-empty-'));
    try {
      await expect(loadImdb(empty)).rejects.toThrow(DatasetFormatError);
      await expect(loadImdb(empty)).rejects.toThrow(path.join(empty, 'train', 'neg'));
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });
});

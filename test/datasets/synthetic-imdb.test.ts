import { InvalidArgumentError } from '../../src/errors';
import { syntheticImdb, type Dataset } from '../../src/api/datasets';
import { CONCESSIONS, CONTRASTS, INTENSIFIERS, NEGATIVE, NEGATORS, POSITIVE } from '../../datasets/imdb-lexicon';
import { softmaxAccuracy } from './helpers';

const has = (list: readonly string[], w: string | undefined): boolean => w !== undefined && list.includes(w);

/** The words of review i, padding dropped. */
function words(ds: Dataset, i: number): string[] {
  const len = ds.xShape[1] as number;
  const out: string[] = [];
  for (let t = 0; t < len; t++) {
    const id = ds.x[i * len + t] as number;
    if (id !== 0) out.push((ds.vocabulary as string[])[id] as string);
  }
  return out;
}

/** The documented rules, re-derived from the words alone: 1 positive, 0 negative. */
function ruleLabel(review: readonly string[]): number {
  const clauses = review.flatMap((w, p) => {
    if (!has(POSITIVE, w) && !has(NEGATIVE, w)) return [];
    const intensified = has(INTENSIFIERS, review[p - 1]);
    const negated = has(NEGATORS, review[intensified ? p - 2 : p - 1]);
    return [{ at: p, intensified, sentiment: (has(POSITIVE, w) ? 1 : -1) * (negated ? -1 : 1) }];
  });
  const [first, second] = clauses;
  if (first === undefined) throw new Error(`no sentiment word in: ${review.join(' ')}`);
  let decisive = first;
  if (second !== undefined) {
    const concession = review.findIndex((w) => has(CONCESSIONS, w));
    if (review.some((w) => has(CONTRASTS, w))) decisive = second;
    else if (concession >= 0) decisive = concession < first.at ? second : first;
    else if (review.includes('and')) decisive = first.intensified ? first : second;
    else throw new Error(`two clauses and no connective in: ${review.join(' ')}`);
  }
  return decisive.sentiment > 0 ? 1 : 0;
}

/** Word counts per review: a bag of words. */
function bag(ds: Dataset): number[][] {
  const v = (ds.vocabulary as string[]).length;
  const len = ds.xShape[1] as number;
  return Array.from({ length: ds.xShape[0] as number }, (_, i) => {
    const counts = new Array<number>(v).fill(0);
    for (let t = 0; t < len; t++) {
      const id = ds.x[i * len + t] as number;
      counts[id] = (counts[id] as number) + 1;
    }
    counts[0] = 0;
    return counts;
  });
}

describe('syntheticImdb', () => {
  const data = syntheticImdb({ nTrain: 2000, nVal: 1000, nTest: 10, seed: 4, vocabSize: 300, maxLen: 40 });

  it('makes left-padded token ids below vocabSize, with a vocabulary and balanced labels', () => {
    const { train } = data;
    expect(train.xShape).toEqual([2000, 40]);
    expect(data.test?.xShape).toEqual([10, 40]);
    expect(train.vocabulary?.length).toBe(300);
    expect(train.vocabulary?.slice(0, 2)).toEqual(['<pad>', '<oov>']);
    expect(new Set(train.vocabulary).size).toBe(300);
    expect(train.classNames).toEqual(['negative', 'positive']);
    expect(train.y.filter((v) => v === 1).length).toBe(1000);
    let oov = 0;
    let tokens = 0;
    for (let i = 0; i < 2000; i++) {
      const row = Array.from(train.x.subarray(i * 40, (i + 1) * 40));
      expect(row.every((id) => Number.isInteger(id) && id >= 0 && id < 300)).toBe(true);
      const firstWord = row.findIndex((id) => id !== 0);
      expect(firstWord).toBeGreaterThanOrEqual(0);
      expect(row.slice(firstWord).every((id) => id !== 0)).toBe(true); // zeros only in front
      expect(row.length - firstWord).toBeGreaterThanOrEqual(16); // at least 40% of maxLen
      tokens += row.length - firstWord;
      oov += row.filter((id) => id === 1).length;
    }
    expect(oov / tokens).toBeGreaterThan(0.005); // some words fall outside the vocabulary
    expect(oov / tokens).toBeLessThan(0.1);
  });

  it('labels every review as the order-aware rules say', () => {
    for (const ds of [data.train, data.val]) {
      const ruled = Array.from({ length: ds.xShape[0] as number }, (_, i) => ruleLabel(words(ds, i)));
      expect(ruled).toEqual(Array.from(ds.y));
    }
  });

  it('leaves a bag-of-words linear classifier near chance', () => {
    const acc = softmaxAccuracy(bag(data.train), data.train.y, bag(data.val), data.val.y, 2, {
      epochs: 60,
      lr: 0.3,
      l2: 1e-3,
    });
    expect(acc.test).toBeLessThan(0.6);
    // Even the presence of a negator, which decides one-clause reviews together with the adjective,
    // says nothing alone.
    const negated = (ds: Dataset): number[][] =>
      Array.from({ length: ds.xShape[0] as number }, (_, i) => [words(ds, i).some((w) => has(NEGATORS, w)) ? 1 : 0]);
    expect(softmaxAccuracy(negated(data.train), data.train.y, negated(data.val), data.val.y, 2).test).toBeLessThan(
      0.56,
    );
  });

  it('follows the template weights: contrast only, or one clause only', () => {
    const contrast = syntheticImdb({ nTrain: 200, nVal: 0, seed: 1, templates: { contrast: 1 } });
    const single = syntheticImdb({ nTrain: 200, nVal: 0, seed: 1, templates: { single: 1 } });
    for (let i = 0; i < 200; i++) {
      expect(words(contrast.train, i).filter((w) => has(CONTRASTS, w)).length).toBe(1);
      const w = words(single.train, i);
      expect(w.filter((x) => has(POSITIVE, x) || has(NEGATIVE, x)).length).toBe(1);
      expect(ruleLabel(w)).toBe(single.train.y[i]);
    }
  });

  it('is deterministic by seed; post-padding puts the zeros last', () => {
    const a = syntheticImdb({ nTrain: 50, nVal: 5, seed: 'a', maxLen: 20, vocabSize: 100 });
    const b = syntheticImdb({ nTrain: 50, nVal: 5, seed: 'a', maxLen: 20, vocabSize: 100 });
    const c = syntheticImdb({ nTrain: 50, nVal: 5, seed: 'b', maxLen: 20, vocabSize: 100 });
    expect(a.train.x).toEqual(b.train.x);
    expect(a.train.x).not.toEqual(c.train.x);
    expect(a.train.vocabulary).toEqual(c.train.vocabulary);
    const post = syntheticImdb({ nTrain: 50, nVal: 5, seed: 'a', maxLen: 20, vocabSize: 100, padding: 'post' });
    for (let i = 0; i < 50; i++) {
      const row = Array.from(post.train.x.subarray(i * 20, (i + 1) * 20));
      const end = row.indexOf(0);
      if (end >= 0) expect(row.slice(end).every((id) => id === 0)).toBe(true);
      expect(words(post.train, i)).toEqual(words(a.train, i));
    }
  });

  it('rejects a vocabulary too small for its rule words and a too-short maxLen', () => {
    expect(() => syntheticImdb({ nTrain: 1, nVal: 1, seed: 0, vocabSize: 20 })).toThrow(InvalidArgumentError);
    expect(() => syntheticImdb({ nTrain: 1, nVal: 1, seed: 0, vocabSize: 20 })).toThrow(/^vocabSize/);
    expect(() => syntheticImdb({ nTrain: 1, nVal: 1, seed: 0, maxLen: 8 })).toThrow(/^maxLen/);
    expect(() => syntheticImdb({ nTrain: 1, nVal: 1, seed: 0, padding: 'left' as 'pre' })).toThrow(/^padding/);
    expect(() => syntheticImdb({ nTrain: 1, nVal: 1, seed: 0, templates: { single: 0 } })).toThrow(/^templates/);
    expect(() => syntheticImdb({ nTrain: 1, nVal: 1, seed: 0, templates: { sarcasm: 1 } as object })).toThrow(
      /^templates/,
    );
  });
});

import type { Rng } from '../src/random';
import { AND, CONCESSIONS, CONTRASTS, INTENSIFIERS, NEGATIVE, NEGATORS, POSITIVE, RULE_WORDS } from './imdb-lexicon';

/**
 * The grammar behind `syntheticImdb`: which clause decides a review, and how one review is written.
 * Kept apart from the driver (options, splits, padding) so the rules can be read in one place.
 */

/** How the clauses combine, which decides the review's label. */
export type Template = 'single' | 'contrast' | 'concession-first' | 'concession-after' | 'intensity';
/** The order of the weights `ReviewWriter` is given. */
export const TEMPLATES: readonly Template[] = [
  'single',
  'contrast',
  'concession-first',
  'concession-after',
  'intensity',
];

/**
 * Filler ranks follow Zipf's law with this exponent. Real text is near 1; a little steeper thins the
 * tail of rare fillers, which otherwise lets a small model memorise reviews instead of finding the rules.
 */
const ZIPF_EXPONENT = 1.3;
/** Share of filler tokens written as out-of-vocabulary (id 1), as a real top-N vocabulary leaves some. */
const OOV_RATE = 0.03;

interface Clause {
  polarity: 1 | -1;
  negated: boolean;
  intensified: boolean;
}

/** Draws one review at a time; holds the word-id tables and the filler distribution. */
export class ReviewWriter {
  private readonly pos: number[];
  private readonly neg: number[];
  private readonly negators: number[];
  private readonly intensifiers: number[];
  private readonly contrasts: number[];
  private readonly concessions: number[];
  private readonly and: number;
  private readonly fillerCdf: Float64Array;
  private readonly firstFiller: number;

  constructor(
    vocabulary: readonly string[],
    private readonly maxLen: number,
    private readonly weights: readonly number[],
  ) {
    const index = new Map(vocabulary.map((w, i) => [w, i]));
    const ids = (words: readonly string[]): number[] => words.map((w) => index.get(w) as number);
    this.pos = ids(POSITIVE);
    this.neg = ids(NEGATIVE);
    this.negators = ids(NEGATORS);
    this.intensifiers = ids(INTENSIFIERS);
    this.contrasts = ids(CONTRASTS);
    this.concessions = ids(CONCESSIONS);
    this.and = index.get(AND) as number;
    this.firstFiller = 2 + RULE_WORDS.length;
    const ranks = vocabulary.length - this.firstFiller;
    this.fillerCdf = new Float64Array(ranks);
    let total = 0;
    for (let r = 0; r < ranks; r++) this.fillerCdf[r] = total += (r + 2) ** -ZIPF_EXPONENT;
    for (let r = 0; r < ranks; r++) this.fillerCdf[r] = (this.fillerCdf[r] as number) / total;
  }

  /** One review with sentiment `target` (+1 positive, −1 negative), unpadded, at most maxLen tokens. */
  write(target: 1 | -1, rng: Rng): number[] {
    const template = TEMPLATES[rng.weightedIndex(this.weights)] as Template;
    const first = rng.next() < 0.5 ? 1 : -1;
    const clauses: Clause[] = [this.clause(first, rng)];
    if (template !== 'single') clauses.push(this.clause(first === 1 ? -1 : 1, rng));
    if (template === 'intensity') {
      const strong = rng.int(0, 1);
      clauses.forEach((c, k) => (c.intensified = k === strong));
    }
    const decisive = clauses[decisiveClause(template, clauses)] as Clause;
    if (decisive.polarity * (decisive.negated ? -1 : 1) !== target) {
      // Swap the adjectives' sides: the bag of words stays the same, the label flips.
      for (const c of clauses) c.polarity = c.polarity === 1 ? -1 : 1;
    }
    const [c1 = [], c2 = []] = clauses.map((c) => this.clauseTokens(c, rng));
    return this.withFillers(this.arrange(template, c1, c2, rng), rng);
  }

  /** The clauses and connective in template order (fillers go in between later). */
  private arrange(template: Template, c1: number[], c2: number[], rng: Rng): number[][] {
    switch (template) {
      case 'single':
        return [c1];
      case 'contrast':
        return [c1, [rng.choice(this.contrasts)], c2];
      case 'concession-first':
        return [[rng.choice(this.concessions)], c1, c2];
      case 'concession-after':
        return [c1, [rng.choice(this.concessions)], c2];
      case 'intensity':
        return [c1, [this.and], c2];
    }
  }

  private clause(polarity: 1 | -1, rng: Rng): Clause {
    return { polarity, negated: rng.next() < 0.35, intensified: rng.next() < 0.3 };
  }

  private clauseTokens(c: Clause, rng: Rng): number[] {
    const tokens: number[] = [];
    if (c.negated) tokens.push(rng.choice(this.negators));
    if (c.intensified) tokens.push(rng.choice(this.intensifiers));
    tokens.push(rng.choice(c.polarity === 1 ? this.pos : this.neg));
    return tokens;
  }

  /** Pads the pieces with fillers, scattered uniformly over the gaps before, between and after them. */
  private withFillers(pieces: number[][], rng: Rng): number[] {
    const content = pieces.reduce((a, p) => a + p.length, 0);
    const low = Math.min(this.maxLen, Math.max(content + 2, Math.round(0.4 * this.maxLen)));
    const length = rng.int(low, this.maxLen);
    const gaps = new Array<number>(pieces.length + 1).fill(0);
    for (let f = content; f < length; f++) {
      const g = rng.int(0, pieces.length);
      gaps[g] = (gaps[g] as number) + 1;
    }
    const out: number[] = [];
    pieces.forEach((piece, k) => {
      for (let f = 0; f < (gaps[k] as number); f++) out.push(this.filler(rng));
      out.push(...piece);
    });
    for (let f = 0; f < (gaps[pieces.length] as number); f++) out.push(this.filler(rng));
    return out;
  }

  private filler(rng: Rng): number {
    if (rng.next() < OOV_RATE) return 1;
    const u = rng.next();
    let lo = 0;
    let hi = this.fillerCdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.fillerCdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return this.firstFiller + lo;
  }
}

/** Which clause's sentiment is the review's, by the rules in {@link syntheticImdb}. */
function decisiveClause(template: Template, clauses: readonly Clause[]): number {
  switch (template) {
    case 'single':
      return 0;
    case 'contrast':
    case 'concession-first':
      return 1;
    case 'concession-after':
      return 0;
    case 'intensity':
      return clauses[0]?.intensified === true ? 0 : 1;
  }
}

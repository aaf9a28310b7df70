/**
 * The fixed vocabulary of `syntheticImdb`: the same for every seed, so a model or tokenizer trained on
 * one seed's data reads another's. Ids: 0 padding, 1 out-of-vocabulary, then the words that carry the
 * rules (sentiment, negation, intensity, connectives), then neutral fillers, most frequent first.
 */

export const PAD = '<pad>';
export const OOV = '<oov>';

// prettier-ignore
export const POSITIVE = [
  'good', 'great', 'excellent', 'wonderful', 'brilliant', 'superb', 'enjoyable',
  'fantastic', 'moving', 'charming', 'funny', 'beautiful', 'clever', 'gripping',
] as const;
// prettier-ignore
export const NEGATIVE = [
  'bad', 'awful', 'terrible', 'boring', 'dull', 'poor', 'weak',
  'horrible', 'dreadful', 'tedious', 'clumsy', 'painful', 'mediocre', 'forgettable',
] as const;
/** Flip the polarity of the adjective they precede ("not very good" is negative). */
export const NEGATORS = ['not', 'never', 'hardly'] as const;
/** Mark a clause as emphatic; decisive in an "and" review, decoration elsewhere. */
export const INTENSIFIERS = ['very', 'really', 'extremely', 'truly', 'incredibly'] as const;
/** "A but B": the clause after the contrast word decides. */
export const CONTRASTS = ['but', 'however', 'yet'] as const;
/** "although A, B" and "B although A": the clause *not* introduced by the concession word decides. */
export const CONCESSIONS = ['although', 'though'] as const;
export const AND = 'and';

/** Neutral English words, roughly in order of how often they turn up in reviews. */
// prettier-ignore
const NEUTRAL = [
  'the', 'a', 'of', 'to', 'is', 'it', 'in', 'this', 'that', 'was', 'i', 'movie', 'film', 'as',
  'with', 'for', 'on', 'an', 'he', 'she', 'his', 'her', 'they', 'at', 'by', 'one', 'from', 'who',
  'all', 'story', 'plot', 'about', 'there', 'what', 'some', 'time', 'acting', 'characters', 'character', 'scene', 'scenes', 'director',
  'cast', 'actor', 'actress', 'script', 'ending', 'music', 'score', 'camera', 'were', 'are', 'we', 'seen', 'watched', 'saw',
  'felt', 'seemed', 'looked', 'thought', 'first', 'second', 'part', 'minutes', 'hour', 'show', 'series', 'episode', 'sequel', 'version',
  'book', 'effects', 'dialogue', 'performance', 'role', 'lead', 'world', 'life', 'people', 'family', 'friend', 'city', 'night', 'year',
  'theater', 'screen', 'end', 'start', 'house', 'man', 'woman', 'girl', 'boy', 'father', 'mother', 'town', 'car', 'room',
  'day', 'way', 'work', 'after', 'before', 'then', 'when', 'where', 'which', 'into', 'over', 'out', 'up', 'down',
  'back', 'again', 'just',
] as const;

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr', 'gl'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', 'n', 'r', 'l', 's', 'x'];

/** The words that the rules read; fillers never use them. */
export const RULE_WORDS: readonly string[] = [
  ...POSITIVE,
  ...NEGATIVE,
  ...NEGATORS,
  ...INTENSIFIERS,
  ...CONTRASTS,
  ...CONCESSIONS,
  AND,
];

/** Smallest vocabulary that holds the rule words and enough fillers to hide them among. */
export const MIN_VOCAB_SIZE = 2 + RULE_WORDS.length + 32;

/**
 * `[PAD, OOV, ...RULE_WORDS, ...fillers]` with `vocabSize` entries. Fillers past the neutral English
 * list are pronounceable made-up words ("tragou", "bil"), built deterministically from syllables.
 */
export function buildSyntheticVocabulary(vocabSize: number): string[] {
  const words = [PAD, OOV, ...RULE_WORDS];
  const used = new Set(words);
  for (const w of NEUTRAL) {
    if (words.length >= vocabSize) return words;
    words.push(w);
    used.add(w);
  }
  for (let k = 0; words.length < vocabSize; k++) {
    const w = pseudoWord(k);
    if (!used.has(w)) {
      words.push(w);
      used.add(w);
    }
  }
  return words;
}

/** The k-th made-up word: mixed-radix digits of k pick syllables; two syllables, then three, ... */
function pseudoWord(k: number): string {
  const perSyllable = ONSETS.length * NUCLEI.length * CODAS.length;
  let syllables = 2;
  let block = perSyllable ** 2;
  let rest = k;
  while (rest >= block) {
    rest -= block;
    syllables++;
    block *= perSyllable;
  }
  // Walk the block in a scrambled order (7919 is prime and shares no factor with the block size, so
  // this is a bijection): otherwise neighbouring words would all share their last syllables.
  rest = (rest * 7919) % block;
  let word = '';
  for (let s = 0; s < syllables; s++) {
    let digit = rest % perSyllable;
    rest = Math.floor(rest / perSyllable);
    word += ONSETS[digit % ONSETS.length] as string;
    digit = Math.floor(digit / ONSETS.length);
    word += NUCLEI[digit % NUCLEI.length] as string;
    word += CODAS[Math.floor(digit / NUCLEI.length)] as string;
  }
  return word;
}

/** Which end of a sequence gets the padding or loses tokens: 'pre' the start, 'post' the end. */
export type Padding = 'pre' | 'post';

export const PAD_TOKEN = '<pad>';
export const OOV_TOKEN = '<oov>';

/**
 * Words of a review, as the IMDb loader sees them: lowercased, HTML line breaks (`<br />`) and other
 * tags removed, everything but letters, digits and inner apostrophes ("don't") treated as a separator.
 */
export function tokenize(text: string): string[] {
  const cleaned = text
    .toLowerCase()
    .replace(/<br\s*\/?>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[^\p{L}\p{N}']+/gu, ' ');
  const words: string[] = [];
  for (const raw of cleaned.split(' ')) {
    const w = raw.replace(/^'+|'+$/g, ''); // quotes around a word, not apostrophes inside it
    if (w.length > 0) words.push(w);
  }
  return words;
}

/**
 * `[PAD_TOKEN, OOV_TOKEN, ...]` then the `size − 2` most frequent words of `documents` (ties broken
 * alphabetically, so the result does not depend on document order beyond the counts).
 */
export function buildVocabulary(documents: Iterable<readonly string[]>, size: number): string[] {
  const counts = new Map<string, number>();
  for (const doc of documents) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [PAD_TOKEN, OOV_TOKEN, ...ranked.slice(0, Math.max(0, size - 2)).map(([w]) => w)];
}

export interface EncodeOptions {
  maxLen: number;
  /** Where zeros go when a document is shorter than maxLen. */
  padding: Padding;
  /** Which end is cut when a document is longer: 'pre' drops the beginning (keeps the ending). */
  truncating: Padding;
}

/** Documents as a `[N × maxLen]` row-major array of word ids (0 pad, 1 out-of-vocabulary). */
export function encodeDocuments(
  documents: readonly (readonly string[])[],
  vocabulary: readonly string[],
  options: EncodeOptions,
): Float32Array {
  const { maxLen, padding, truncating } = options;
  const index = new Map<string, number>();
  vocabulary.forEach((w, i) => {
    if (i >= 2) index.set(w, i);
  });
  const x = new Float32Array(documents.length * maxLen);
  documents.forEach((doc, i) => {
    const kept =
      doc.length <= maxLen ? doc : truncating === 'pre' ? doc.slice(doc.length - maxLen) : doc.slice(0, maxLen);
    const offset = padding === 'pre' ? maxLen - kept.length : 0;
    kept.forEach((w, t) => (x[i * maxLen + offset + t] = index.get(w) ?? 1));
  });
  return x;
}

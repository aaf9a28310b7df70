import { InvalidArgumentError } from '../src/errors';
import { Rng } from '../src/random';
import { balancedLabels } from './dataset-ops';
import { ReviewWriter } from './imdb-grammar';
import { MIN_VOCAB_SIZE, buildSyntheticVocabulary } from './imdb-lexicon';
import type { Padding } from './text';
import type { Dataset, DatasetSplits } from './types';
import { checkInt, checkOneOf, checkRange, checkSeed } from './validate';

export interface SyntheticImdbOptions {
  nTrain: number;
  nVal: number;
  nTest?: number;
  /** Vocabulary size including padding (0) and out-of-vocabulary (1); ids are `< vocabSize`. */
  vocabSize?: number;
  /** Sequence length; reviews are 40%–100% of it, the rest is padding. At least 12. */
  maxLen?: number;
  /** Seeds every draw; the same seed, the same data. Default 0. */
  seed?: number | string;
  /** Where padding goes: 'pre' (default, zeros first: an RNN reads the review last) or 'post'. */
  padding?: Padding;
  /**
   * Relative weights of the review templates (normalised; keys left out count 0 once this is given).
   * Default `{ single: 0.25, contrast: 0.45, concession: 0.2, intensity: 0.1 }`: "but" reviews lead
   * because "the later clause wins" is the rule a sequence model finds first. An even mix is a harder
   * task: a small LSTM then needs about 10k training reviews before it stops memorising them.
   */
  templates?: TemplateWeights;
}

export interface TemplateWeights {
  /** One clause: "not very good". */
  single?: number;
  /** "A but|however|yet B". */
  contrast?: number;
  /** "although A … B" and "A although|though B", half each. */
  concession?: number;
  /** "A and very B". */
  intensity?: number;
}

const DEFAULT_TEMPLATES: Required<TemplateWeights> = { single: 0.25, contrast: 0.45, concession: 0.2, intensity: 0.1 };

/**
 * Token-id reviews (`[N, maxLen]`, ids as floats, left-padded by default) whose binary sentiment
 * (1 positive, 0 negative) is decided by word order, not by which words occur:
 * - a clause is `[negator] [intensifier] adjective`; a negator flips the adjective ("not good" → −);
 * - one-clause reviews: that clause decides;
 * - "A but|however|yet B": B decides; "although A … B": B decides; "A although|though B": A decides;
 *   "A and B": the clause with the intensifier decides (exactly one has one);
 * - neutral fillers (Zipf-distributed; 3% written as out-of-vocabulary, id 1) fill the gaps.
 * Every two-clause review holds one positive and one negative adjective, and negators, intensifiers and
 * connectives are drawn independently of the label: the same bag of words is as likely to be positive
 * as negative, so a bag-of-words model stays near chance on them (it can only learn part of the
 * one-clause XOR of adjective and negator), while the rules above label every review exactly.
 *
 * Labels are exactly balanced: the target label is drawn first, and if the review as drawn disagrees,
 * its two adjectives swap places (one-clause: the adjective changes side) — which changes the order
 * but not the bag. The vocabulary (`vocabulary`) is the same for every seed.
 */
export function syntheticImdb(options: SyntheticImdbOptions): DatasetSplits {
  const {
    nTrain,
    nVal,
    nTest = 0,
    vocabSize = 1000,
    maxLen = 50,
    seed = 0,
    padding = 'pre',
    templates = DEFAULT_TEMPLATES,
  } = options;
  checkInt('nTrain', nTrain, 0);
  checkInt('nVal', nVal, 0);
  checkInt('nTest', nTest, 0);
  checkInt('vocabSize', vocabSize, MIN_VOCAB_SIZE);
  checkInt('maxLen', maxLen, 12);
  const weights = templateWeights(templates);
  checkSeed(seed);
  checkOneOf('padding', padding, ['pre', 'post']);
  const vocabulary = buildSyntheticVocabulary(vocabSize);
  const gen = new ReviewWriter(vocabulary, maxLen, weights);
  const root = new Rng(seed);
  const make = (name: string, n: number): Dataset => {
    const rng = root.derive(name);
    const y = balancedLabels(n, 2, rng);
    const x = new Float32Array(n * maxLen);
    for (let i = 0; i < n; i++) {
      const tokens = gen.write(y[i] === 1 ? 1 : -1, rng);
      const offset = padding === 'pre' ? maxLen - tokens.length : 0;
      for (let t = 0; t < tokens.length; t++) x[i * maxLen + offset + t] = tokens[t] as number;
    }
    return {
      x,
      xShape: [n, maxLen],
      y,
      numClasses: 2,
      classNames: ['negative', 'positive'],
      vocabulary: vocabulary.slice(),
    };
  };
  const out: DatasetSplits = { train: make('train', nTrain), val: make('val', nVal) };
  if (nTest > 0) out.test = make('test', nTest);
  return out;
}

/** The weights of the templates in `ReviewWriter`'s order, checked. */
function templateWeights(t: TemplateWeights): number[] {
  const keys = ['single', 'contrast', 'concession', 'intensity'] as const;
  for (const k of Object.keys(t)) checkOneOf('templates', k, keys);
  for (const k of keys) if (t[k] !== undefined) checkRange(`templates.${k}`, t[k], 0, 1e6);
  const w = (k: (typeof keys)[number]): number => t[k] ?? 0;
  const weights = [w('single'), w('contrast'), w('concession') / 2, w('concession') / 2, w('intensity')];
  if (!(weights.reduce((a, b) => a + b, 0) > 0)) {
    throw new InvalidArgumentError('templates', t, 'weights with a positive sum');
  }
  return weights;
}

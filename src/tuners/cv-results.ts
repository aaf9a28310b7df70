import type { ParamValue } from '../space/distributions';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection } from '../trial/state';

/** scikit-learn's `cv_results_`, one entry per candidate, in trial order. */
export interface CVResults {
  readonly params: Readonly<Record<string, ParamValue>>[];
  readonly meanTestScore: number[];
  readonly stdTestScore: number[];
  /** `splitScores[i][k]`: candidate i's score on split k. */
  readonly splitScores: number[][];
  /** 1 is best; ties share the lowest rank (scikit-learn's 'min' method). */
  readonly rankTestScore: number[];
  readonly trialNumbers: number[];
}

/** Ranks with ties sharing the best (lowest) rank; `higherIsBetter` picks the order. */
export function rankDescending(values: readonly number[], higherIsBetter = true): number[] {
  return values.map((v) => 1 + values.filter((o) => (higherIsBetter ? o > v : o < v)).length);
}

export function summarizeCVResults(trials: readonly FrozenTrial[], direction: StudyDirection): CVResults {
  const sorted = trials.slice().sort((a, b) => a.number - b.number);
  const meanTestScore = sorted.map((t) => t.value as number);
  return {
    params: sorted.map((t) => t.params),
    meanTestScore,
    stdTestScore: sorted.map((t) =>
      typeof t.userAttrs['std_test_score'] === 'number' ? t.userAttrs['std_test_score'] : NaN,
    ),
    splitScores: sorted.map((t) =>
      Array.isArray(t.userAttrs['split_scores']) ? (t.userAttrs['split_scores'] as number[]) : [],
    ),
    rankTestScore: rankDescending(meanTestScore, direction === 'maximize'),
    trialNumbers: sorted.map((t) => t.number),
  };
}

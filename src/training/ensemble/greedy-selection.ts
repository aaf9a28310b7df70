import { InvalidArgumentError } from '../../errors';

/**
 * What an ensemble is selected for: `accuracy` (classification: the share of rows whose averaged
 * probabilities peak at the true class, ties broken by the lower cross-entropy) or `loss`
 * (classification: mean cross-entropy; regression: mean squared error).
 */
export type EnsembleMetric = 'accuracy' | 'loss';

/** The validation targets the members' predictions are scored against. */
export interface SelectionTargets {
  /** Class ids (classification) or real targets (regression), one per row. */
  readonly y: Int32Array | Float32Array | Float64Array;
  /** Classes per row of a prediction (>= 2), or 0 for regression (one value per row). */
  readonly numClasses: number;
}

/** A validation score: `accuracy` is null for regression; `loss` is cross-entropy or MSE. */
export interface EnsembleScore {
  readonly accuracy: number | null;
  readonly loss: number;
}

export interface GreedySelection {
  /** Times each candidate was picked within the chosen prefix. */
  readonly counts: readonly number[];
  /** counts / prefix length: the ensemble's weights, summing to 1. */
  readonly weights: readonly number[];
  /** The score after each iteration (index i: an ensemble of i + 1 picks). */
  readonly history: readonly EnsembleScore[];
  /** The iterations kept: the prefix of `history` that scored best (Caruana et al., 2004, §2.1). */
  readonly iterations: number;
  /** That prefix's score. */
  readonly score: EnsembleScore;
}

const EPS = 1e-7;

/** Scores averaged predictions (row-major, `numClasses` per row, or one per row for regression). */
export function scorePredictions(prediction: Float64Array | Float32Array, targets: SelectionTargets): EnsembleScore {
  const { y, numClasses } = targets;
  const n = y.length;
  if (numClasses === 0) {
    let sse = 0;
    for (let i = 0; i < n; i++) sse += ((prediction[i] as number) - (y[i] as number)) ** 2;
    return { accuracy: null, loss: sse / n };
  }
  let correct = 0;
  let crossEntropy = 0;
  for (let i = 0; i < n; i++) {
    const row = i * numClasses;
    const label = y[i] as number;
    let argmax = 0;
    for (let c = 1; c < numClasses; c++)
      if ((prediction[row + c] as number) > (prediction[row + argmax] as number)) argmax = c;
    if (argmax === label) correct++;
    crossEntropy -= Math.log(Math.min(1 - EPS, Math.max(EPS, prediction[row + label] as number)));
  }
  return { accuracy: correct / n, loss: crossEntropy / n };
}

/** Whether `a` is strictly better than `b` for `metric`. */
export function betterScore(a: EnsembleScore, b: EnsembleScore, metric: EnsembleMetric): boolean {
  if (metric === 'accuracy' && a.accuracy !== null && b.accuracy !== null && a.accuracy !== b.accuracy)
    return a.accuracy > b.accuracy;
  return a.loss < b.loss;
}

function checkInputs(
  predictions: readonly (Float64Array | Float32Array)[],
  targets: SelectionTargets,
  size: number,
): void {
  if (predictions.length === 0)
    throw new InvalidArgumentError('ensemble candidates', 0, 'at least one trial with validation predictions');
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError('ensemble size', size, 'an integer >= 1');
  const perRow = targets.numClasses === 0 ? 1 : targets.numClasses;
  predictions.forEach((p, i) => {
    if (p.length !== targets.y.length * perRow)
      throw new InvalidArgumentError(
        `ensemble candidate ${i} predictions`,
        p.length,
        `${targets.y.length} rows of ${perRow} (the validation rows)`,
      );
  });
}

/**
 * Ensemble selection (Caruana, Niculescu-Mizil, Crew and Ksikes, 2004), as auto-sklearn runs it:
 * start empty; `size` times add, with replacement, the candidate whose addition gives the best
 * averaged prediction; keep the prefix that scored best. The first pick is the best single
 * candidate, so the result never scores below it. Ties go to the lower index (the better-ranked
 * trial), so the selection is deterministic.
 */
export function greedySelection(
  predictions: readonly (Float64Array | Float32Array)[],
  targets: SelectionTargets,
  options: { readonly size: number; readonly metric: EnsembleMetric },
): GreedySelection {
  checkInputs(predictions, targets, options.size);
  const length = (predictions[0] as Float64Array).length;
  const sum = new Float64Array(length);
  const trial = new Float64Array(length);
  const picks: number[] = [];
  const history: EnsembleScore[] = [];
  for (let t = 1; t <= options.size; t++) {
    let bestIndex = 0;
    let best: EnsembleScore | null = null;
    for (let j = 0; j < predictions.length; j++) {
      const p = predictions[j] as Float64Array;
      for (let i = 0; i < length; i++) trial[i] = ((sum[i] as number) + (p[i] as number)) / t;
      const score = scorePredictions(trial, targets);
      if (best === null || betterScore(score, best, options.metric)) {
        best = score;
        bestIndex = j;
      }
    }
    const chosen = predictions[bestIndex] as Float64Array;
    for (let i = 0; i < length; i++) sum[i] = (sum[i] as number) + (chosen[i] as number);
    picks.push(bestIndex);
    history.push(best as EnsembleScore);
  }
  let iterations = 1;
  for (let t = 2; t <= history.length; t++) {
    if (betterScore(history[t - 1] as EnsembleScore, history[iterations - 1] as EnsembleScore, options.metric))
      iterations = t;
  }
  const counts = predictions.map(() => 0);
  for (const j of picks.slice(0, iterations)) counts[j] = (counts[j] as number) + 1;
  return {
    counts,
    weights: counts.map((c) => c / iterations),
    history,
    iterations,
    score: history[iterations - 1] as EnsembleScore,
  };
}

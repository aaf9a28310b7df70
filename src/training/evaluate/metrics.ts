/** Per-class scores, as scikit-learn's `classification_report` gives them. */
export interface ClassScores {
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows of this class in the data. */
  readonly support: number;
}

export interface ClassificationScores {
  readonly task: 'classification';
  readonly n: number;
  readonly accuracy: number;
  /** Mean categorical cross-entropy of the predicted probabilities (what `loss` is in training). */
  readonly loss: number;
  readonly perClass: readonly ClassScores[];
  /** `confusion[i][j]`: rows of true class i predicted as class j, over every trained class. */
  readonly confusion: readonly (readonly number[])[];
  readonly classNames: readonly string[];
}

export interface RegressionScores {
  readonly task: 'regression';
  readonly n: number;
  /** Mean squared error (what `loss` is in training). */
  readonly loss: number;
  readonly mae: number;
  readonly r2: number;
}

export type EvaluationScores = ClassificationScores | RegressionScores;

/** Probabilities must be at least this for the log (Keras clips the same way). */
const EPSILON = 1e-7;

/**
 * Scores class probabilities (`probs`, row-major `[n, k]`) against class ids. A class absent from
 * the data has support 0 and recall 0 (scikit-learn's `zero_division=0`); its column of the
 * confusion matrix still counts wrong predictions of it.
 */
export function classificationScores(
  probs: Float32Array,
  y: Int32Array,
  classNames: readonly string[],
): ClassificationScores {
  const k = classNames.length;
  const n = y.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + arg] as number)) arg = c;
    const truth = y[i] as number;
    (confusion[truth] as number[])[arg] = ((confusion[truth] as number[])[arg] as number) + 1;
    if (arg === truth) correct++;
    loss -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, probs[i * k + truth] as number)));
  }
  const perClass = classNames.map((name, c) => {
    const tp = (confusion[c] as number[])[c] as number;
    const support = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + (row[c] as number), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { name, precision, recall, f1, support };
  });
  return {
    task: 'classification',
    n,
    accuracy: n === 0 ? 0 : correct / n,
    loss: n === 0 ? 0 : loss / n,
    perClass,
    confusion,
    classNames: classNames.slice(),
  };
}

/** Mean squared error, mean absolute error and R² (1 − SSE / SST; 0 when the targets are constant). */
export function regressionScores(pred: Float32Array, y: Float32Array): RegressionScores {
  const n = y.length;
  let mean = 0;
  for (const v of y) mean += v / n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = (pred[i] as number) - (y[i] as number);
    sse += e * e;
    sae += Math.abs(e);
    sst += ((y[i] as number) - mean) ** 2;
  }
  return {
    task: 'regression',
    n,
    loss: n === 0 ? 0 : sse / n,
    mae: n === 0 ? 0 : sae / n,
    r2: sst === 0 ? 0 : 1 - sse / sst,
  };
}

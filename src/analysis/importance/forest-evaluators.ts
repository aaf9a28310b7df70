import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { Rng } from '../../random';
import type { Distribution } from '../../space/distributions';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { fanovaTree } from './fanova-tree';
import { fitForest, type RegressionTree } from './random-forest';
import {
  checkParams,
  encodeTrials,
  finiteTrials,
  intersectionSpace,
  sortedImportances,
  targetOf,
  type EncodedTrials,
  type ImportanceQuery,
  type ImportanceStudy,
} from './trial-data';

/** An importance algorithm: a non-negative number per parameter, larger for what mattered more. */
export interface ImportanceEvaluator {
  evaluate(study: ImportanceStudy, query?: ImportanceQuery): Map<string, number>;
}

/** The random forest behind fANOVA and MDI; Optuna's defaults, plus a seed for its bootstrap. */
export interface ForestEvaluatorOptions {
  /** Trees in the forest. Default 64. */
  readonly nTrees?: number;
  /** Deepest a tree grows. Default 64. */
  readonly maxDepth?: number;
  /** Seeds the bootstrap samples and the order features are tried in. Default 0. */
  readonly seed?: number | string;
}

function forestSettings(
  options: ForestEvaluatorOptions,
  who: string,
): { nTrees: number; maxDepth: number; seed: number | string } {
  const nTrees = options.nTrees ?? 64;
  const maxDepth = options.maxDepth ?? 64;
  if (!Number.isInteger(nTrees) || nTrees < 1)
    throw new InvalidArgumentError(`${who} nTrees`, nTrees, 'an integer >= 1');
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new InvalidArgumentError(`${who} maxDepth`, maxDepth, 'an integer >= 1');
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'string' && !Number.isFinite(seed)) {
    throw new InvalidArgumentError(`${who} seed`, seed, 'a finite number or a string');
  }
  return { nTrees, maxDepth, seed };
}

interface ForestFit {
  readonly trees: RegressionTree[];
  readonly encoded: EncodedTrials;
  readonly assessed: string[];
}

/**
 * The steps both forest evaluators share (Optuna's): parameters in every complete trial, the
 * single-valued ones scored 0, a forest fitted on the rest. `null` when there is nothing to fit.
 */
function fitOnStudy(
  study: ImportanceStudy,
  query: ImportanceQuery,
  settings: { nTrees: number; maxDepth: number; seed: number | string },
  who: string,
): { fit: ForestFit | null; singles: string[]; all: string[] } {
  const params = checkParams(query.params, who);
  const target = targetOf(study, query.target, who);
  const complete = finiteTrials(study, target);
  const space = intersectionSpace(complete, params, who);
  const varying = new Map<string, Distribution>();
  const singles: string[] = [];
  for (const [name, d] of space) {
    if (d.single()) singles.push(name);
    else varying.set(name, d);
  }
  const all = [...space.keys()];
  const trials: FrozenTrial[] = complete.filter((t) => all.every((p) => p in t.params));
  if (varying.size === 0 || trials.length <= 1) return { fit: null, singles, all };
  const encoded = encodeTrials(trials, varying);
  const y = Float64Array.from(trials, target);
  const trees = fitForest(
    encoded.columns,
    y,
    { nTrees: settings.nTrees, maxDepth: settings.maxDepth, minSamplesSplit: 2, minSamplesLeaf: 1 },
    new Rng(settings.seed),
  );
  return { fit: { trees, encoded, assessed: [...varying.keys()] }, singles, all };
}

/**
 * fANOVA on a random forest (Optuna's `FanovaImportanceEvaluator`): for each tree, the share of
 * its variance over the search space that the parameter's marginal explains alone, averaged over
 * the trees. It answers "how much does the objective vary with this parameter, over the whole
 * search space?". A categorical parameter is its one-hot columns together.
 *
 * @example
 * ```ts
 * tune.importance.getParamImportances(study, { evaluator: new tune.importance.FanovaImportanceEvaluator({ seed: 1 }) });
 * ```
 */
export class FanovaImportanceEvaluator implements ImportanceEvaluator {
  private readonly settings: { nTrees: number; maxDepth: number; seed: number | string };

  constructor(options: ForestEvaluatorOptions = {}) {
    this.settings = forestSettings(options, 'FanovaImportanceEvaluator');
  }

  evaluate(study: ImportanceStudy, query: ImportanceQuery = {}): Map<string, number> {
    const who = 'FanovaImportanceEvaluator';
    const { fit, singles, all } = fitOnStudy(study, query, this.settings, who);
    if (fit === null) return sortedImportances(all.map((p) => [p, 0]));
    const trees = fit.trees.map((t) => fanovaTree(t, fit.encoded.bounds)).filter((t) => t.variance > 0);
    if (trees.length === 0) {
      throw new TfjsTuneError(`${who}: every tree has zero variance (the target is constant over the trials)`);
    }
    const scores: [string, number][] = fit.assessed.map((name, i) => {
      const columns = fit.encoded.columnsOf[i] as number[];
      let sum = 0;
      for (const tree of trees) sum += tree.marginalVariance(columns) / tree.variance;
      return [name, sum / trees.length];
    });
    return sortedImportances([...scores, ...singles.map((p): [string, number] => [p, 0])]);
  }
}

/**
 * Mean decrease in impurity (Optuna's `MeanDecreaseImpurityImportanceEvaluator`, scikit-learn's
 * `feature_importances_`): how much the forest's splits on a parameter reduce squared error, where
 * the trials are. It answers "which parameters did the forest use to fit the trials?".
 */
export class MeanDecreaseImpurityImportanceEvaluator implements ImportanceEvaluator {
  private readonly settings: { nTrees: number; maxDepth: number; seed: number | string };

  constructor(options: ForestEvaluatorOptions = {}) {
    this.settings = forestSettings(options, 'MeanDecreaseImpurityImportanceEvaluator');
  }

  evaluate(study: ImportanceStudy, query: ImportanceQuery = {}): Map<string, number> {
    const { fit, singles, all } = fitOnStudy(study, query, this.settings, 'MeanDecreaseImpurityImportanceEvaluator');
    if (fit === null) return sortedImportances(all.map((p) => [p, 0]));
    const nColumns = fit.encoded.columns.length;
    const mean = new Float64Array(nColumns);
    let used = 0;
    for (const tree of fit.trees) {
      const own = impurityDecrease(tree, nColumns);
      const total = own.reduce((a, b) => a + b, 0);
      if (tree.feature.length <= 1) continue;
      used++;
      if (total > 0) own.forEach((v, c) => (mean[c] = (mean[c] as number) + v / total));
    }
    const scores: [string, number][] = fit.assessed.map((name, i) => {
      let s = 0;
      for (const c of fit.encoded.columnsOf[i] as number[]) s += used > 0 ? (mean[c] as number) / used : 0;
      return [name, s];
    });
    return sortedImportances([...scores, ...singles.map((p): [string, number] => [p, 0])]);
  }
}

function impurityDecrease(tree: RegressionTree, nColumns: number): Float64Array {
  const out = new Float64Array(nColumns);
  for (let node = 0; node < tree.feature.length; node++) {
    const f = tree.feature[node] as number;
    if (f < 0) continue;
    const l = tree.left[node] as number;
    const r = tree.right[node] as number;
    out[f] =
      (out[f] as number) +
      (tree.weight[node] as number) * (tree.impurity[node] as number) -
      (tree.weight[l] as number) * (tree.impurity[l] as number) -
      (tree.weight[r] as number) * (tree.impurity[r] as number);
  }
  return out;
}

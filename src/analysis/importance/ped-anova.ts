import { InvalidArgumentError } from '../../errors';
import type { Distribution } from '../../space/distributions';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { ImportanceEvaluator } from './forest-evaluators';
import { gridCounts, gridDensity } from './scott-parzen';
import { checkParams, sortedImportances, targetOf, type ImportanceQuery, type ImportanceStudy } from './trial-data';

/** PED-ANOVA's quantiles (Optuna's names and defaults). */
export interface PedAnovaOptions {
  /** The top share of trials whose parameters are explained (γ′). Default 0.1. */
  readonly targetQuantile?: number;
  /** The top share of trials that bounds the region compared against (γ). Default 1 (all). */
  readonly regionQuantile?: number;
  /** Compare with the region's trials (true) or with the whole search space, uniformly (false). Default true. */
  readonly evaluateOnLocal?: boolean;
}

// Optuna's fixed settings: the prior kernel's weight, and the fewest trials a regime needs.
const PRIOR_WEIGHT = 1;
const MIN_TRIALS_IN_REGIME = 2;

/**
 * PED-ANOVA (Watanabe et al., IJCAI 2023; Optuna's `PedAnovaImportanceEvaluator`, its default
 * since 5.0): the Pearson divergence between the density of a parameter among the top
 * `targetQuantile` of trials and among all trials (or the top `regionQuantile`). It answers "which
 * parameters must be set right to reach the best 10 %?", from the trials alone, without a model.
 * A conditional parameter is assessed per regime (the trials that have it with one distribution),
 * as conditional PED-ANOVA does. Lower values are better when `target` is given.
 */
export class PedAnovaImportanceEvaluator implements ImportanceEvaluator {
  private readonly targetQuantile: number;
  private readonly regionQuantile: number;
  private readonly evaluateOnLocal: boolean;

  constructor(options: PedAnovaOptions = {}) {
    this.targetQuantile = options.targetQuantile ?? 0.1;
    this.regionQuantile = options.regionQuantile ?? 1;
    this.evaluateOnLocal = options.evaluateOnLocal ?? true;
    if (
      typeof this.targetQuantile !== 'number' ||
      typeof this.regionQuantile !== 'number' ||
      !(this.targetQuantile > 0 && this.targetQuantile < this.regionQuantile && this.regionQuantile <= 1)
    ) {
      throw new InvalidArgumentError(
        'PedAnovaImportanceEvaluator targetQuantile/regionQuantile',
        [options.targetQuantile, options.regionQuantile],
        'numbers with 0 < targetQuantile < regionQuantile <= 1',
      );
    }
    if (typeof this.evaluateOnLocal !== 'boolean') {
      throw new InvalidArgumentError(
        'PedAnovaImportanceEvaluator evaluateOnLocal',
        options.evaluateOnLocal,
        'a boolean',
      );
    }
  }

  evaluate(study: ImportanceStudy, query: ImportanceQuery = {}): Map<string, number> {
    const who = 'PedAnovaImportanceEvaluator';
    const requested = checkParams(query.params, who);
    const target = targetOf(study, query.target, who);
    const lowerIsBetter = query.target !== undefined || study.directions[0] !== 'maximize';
    const complete = study.getTrials({ states: ['COMPLETE'] });
    const seen = new Set(complete.flatMap((t) => Object.keys(t.distributions)));
    const missing = (requested ?? []).filter((p) => !seen.has(p));
    if (missing.length > 0) {
      throw new InvalidArgumentError(
        `${who} params`,
        requested,
        `parameters some complete trial has (missing: ${missing.join(', ')}; available: ${[...seen].sort().join(', ')})`,
      );
    }
    const params = requested ?? [...seen].sort();
    const trials = complete.filter((t) => Number.isFinite(target(t)));
    const zeros = (): Map<string, number> => sortedImportances(params.map((p) => [p, 0]));
    if (trials.length <= 1) return zeros();
    const loss = (t: FrozenTrial): number => (lowerIsBetter ? 1 : -1) * target(t);
    const top = topQuantile(trials, this.targetQuantile, loss);
    const region = topQuantile(trials, this.regionQuantile, loss);
    if (top.length === 0) return zeros();
    const inTop = new Set(top.map((t) => t.number));
    const gammaRatio = top.length / region.length;
    const scores: [string, number][] = params.map((name) => {
      let score = 0;
      for (const [d, regime] of regimes(name, region)) {
        const topRegime = regime.filter((t) => inTop.has(t.number));
        if (d === null || d.single() || topRegime.length === 0) continue;
        const alpha = topRegime.length / top.length;
        const beta = regime.length / region.length;
        score += ((alpha * alpha) / beta) * this.pearsonDivergence(name, d, topRegime, regime);
      }
      return [name, score * gammaRatio * gammaRatio];
    });
    return sortedImportances(scores);
  }

  private pearsonDivergence(
    name: string,
    d: Distribution,
    top: readonly FrozenTrial[],
    region: readonly FrozenTrial[],
  ): number {
    const categorical = d.type === 'categorical';
    const pTop = gridDensity(gridCounts(name, d, top), categorical, PRIOR_WEIGHT);
    const pLocal = this.evaluateOnLocal
      ? gridDensity(gridCounts(name, d, region), categorical, PRIOR_WEIGHT)
      : new Float64Array(pTop.length).fill(1 / pTop.length);
    let divergence = 0;
    for (let x = 0; x < pTop.length; x++) {
      const local = (pLocal[x] as number) + (this.evaluateOnLocal ? 1e-12 : 0);
      const ratio = ((pTop[x] as number) + 1e-12) / local - 1;
      divergence += local * ratio * ratio;
    }
    return divergence;
  }
}

/** The trials whose loss is at most the `q`-quantile's (the inverted CDF: ties all kept). */
function topQuantile(trials: readonly FrozenTrial[], q: number, loss: (t: FrozenTrial) => number): FrozenTrial[] {
  if (q === 1) return trials.slice();
  const sorted = trials.map(loss).sort((a, b) => a - b);
  const cutoff = sorted[Math.ceil(q * sorted.length) - 1] as number;
  return trials.filter((t) => loss(t) <= cutoff);
}

/** The trials grouped by the parameter's distribution (null: inactive), small groups dropped. */
function regimes(name: string, trials: readonly FrozenTrial[]): [Distribution | null, FrozenTrial[]][] {
  const groups = new Map<string, [Distribution | null, FrozenTrial[]]>();
  for (const t of trials) {
    const d = t.distributions[name] ?? null;
    const key = d === null ? 'inactive' : JSON.stringify(d.toJSON());
    const group = groups.get(key) ?? [d, []];
    group[1].push(t);
    groups.set(key, group);
  }
  return [...groups.values()].filter(([, ts]) => ts.length >= MIN_TRIALS_IN_REGIME);
}

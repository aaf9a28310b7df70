import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import type { Distribution, ParamValue } from '../../space/distributions';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { rankTrials, slotOf } from '../../trial/hyperband-slot';
import { IntersectionSearchSpace } from '../intersection-search-space';
import { JointSampler, withoutSingleValued } from '../joint-sampler';
import { BOHBKDE, fromUnit, kdeAxis, toUnit } from './kde';

export interface BOHBModelOptions {
  /** Results a budget needs before it is modelled. Default: the number of modelled parameters + 1. */
  readonly minPointsInModel?: number;
  /** Share of new configurations drawn at random even once a model exists. Default 1/3. */
  readonly randomFraction?: number;
  /** The best topNPercent % of a budget's results form the "good" density l(x). Default 15. */
  readonly topNPercent?: number;
  /** Candidates are drawn from l(x) with its bandwidths times this (exploration). Default 3. */
  readonly bandwidthFactor?: number;
}

export interface BOHBSamplerOptions extends BOHBModelOptions {
  /** Defaults to the study's seed. */
  readonly seed?: number;
  /** Floor of every bandwidth. Default 1e-3 (HpBandSter's). */
  readonly minBandwidth?: number;
  /** Candidates scored by l(x)/g(x) per proposal. Default 64 (HpBandSter's). */
  readonly nSamples?: number;
  /** Floor bandwidths at 1 / min(100, n + 1) too, so the model cannot collapse early (see BOHBKDE). Default true. */
  readonly considerMagicClip?: boolean;
}

/** The {@link BOHBModelOptions} keys (the BOHB tuner passes them on to its sampler). */
export const BOHB_MODEL_KEYS: readonly string[] = [
  'minPointsInModel',
  'randomFraction',
  'topNPercent',
  'bandwidthFactor',
];

function checkRange(field: string, value: number, low: number, high: number, lowOpen = false): number {
  const ok = typeof value === 'number' && (lowOpen ? value > low : value >= low) && value <= high;
  if (!ok) throw new InvalidArgumentError(field, value, `a number in ${lowOpen ? '(' : '['}${low}, ${high}]`);
  return value;
}

/** A budget's densities: l(x) from its best results, g(x) from the rest. */
interface BudgetModel {
  readonly budget: number;
  readonly good: BOHBKDE;
  readonly bad: BOHBKDE;
}

/**
 * BOHB's proposal model (Falkner et al. 2018) as a sampler over a Hyperband study: a new
 * configuration is drawn at random with probability `randomFraction`, or while no budget has enough
 * results; otherwise from KDEs fitted on the largest budget (a trial's `hyperband.epochs`) that has:
 * `nSamples` draws from the widened good density l(x), the one with the highest l(x)/g(x) wins.
 * Promoted trials keep their parent's params, so they are never sampled. Parameters outside the
 * space every finished trial shares (conditional ones) are drawn at random.
 */
export class BOHBSampler extends JointSampler {
  private readonly intersection = new IntersectionSearchSpace();
  private readonly minPoints: number | null;
  private readonly randomFraction: number;
  private readonly topNPercent: number;
  private readonly bandwidthFactor: number;
  private readonly minBandwidth: number;
  private readonly nSamples: number;
  private readonly magicClip: boolean;

  constructor(options: BOHBSamplerOptions = {}) {
    super('BOHBSampler', options);
    if (
      options.minPointsInModel !== undefined &&
      (!Number.isInteger(options.minPointsInModel) || options.minPointsInModel < 1)
    )
      throw new InvalidArgumentError('minPointsInModel', options.minPointsInModel, 'an integer >= 1');
    this.minPoints = options.minPointsInModel ?? null;
    this.randomFraction = checkRange('randomFraction', options.randomFraction ?? 1 / 3, 0, 1);
    this.topNPercent = checkRange('topNPercent', options.topNPercent ?? 15, 0, 100, true);
    this.bandwidthFactor = checkRange('bandwidthFactor', options.bandwidthFactor ?? 3, 0, Infinity, true);
    this.minBandwidth = checkRange('minBandwidth', options.minBandwidth ?? 1e-3, 0, 1, true);
    const nSamples = options.nSamples ?? 64;
    if (!Number.isInteger(nSamples) || nSamples < 1)
      throw new InvalidArgumentError('nSamples', nSamples, 'an integer >= 1');
    this.nSamples = nSamples;
    this.magicClip = options.considerMagicClip ?? true;
    if (typeof this.magicClip !== 'boolean')
      throw new InvalidArgumentError('considerMagicClip', this.magicClip, 'true or false');
  }

  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution> {
    if (slotOf(trial)?.parent != null) return {}; // a promoted configuration: its params are its parent's
    return withoutSingleValued(this.intersection.calculate(study));
  }

  protected sampleJointSpace(
    study: StudyView,
    trial: FrozenTrial,
    space: Record<string, Distribution>,
    names: readonly string[],
  ): Record<string, ParamValue> {
    const rng = this.rootRng(study, 'bohb', 'bohb-sampler').derive('relative', trial.number);
    if (rng.next() < this.randomFraction) return {};
    const dists = names.map((n) => space[n] as Distribution);
    const model = this.fit(study, names, dists);
    if (model === null) return {};
    let best: Float64Array | null = null;
    let bestScore = -Infinity;
    for (let k = 0; k < this.nSamples; k++) {
      const candidate = model.good.sample(rng, this.bandwidthFactor);
      // HpBandSter minimises max(g, 1e-32) / max(l, 1e-32); in logs, floored the same way.
      const score = Math.max(model.good.logPdf(candidate), -73.7) - Math.max(model.bad.logPdf(candidate), -73.7);
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    if (best === null) return {};
    const out: Record<string, ParamValue> = {};
    names.forEach((n, j) => (out[n] = fromUnit(dists[j] as Distribution, (best as Float64Array)[j] as number)));
    return out;
  }

  /** The budget whose model would propose the next configuration over `space`, or null (random). */
  modelBudget(study: StudyView, space: Record<string, Distribution>): number | null {
    const names = Object.keys(space).sort();
    return (
      this.fit(
        study,
        names,
        names.map((n) => space[n] as Distribution),
      )?.budget ?? null
    );
  }

  /**
   * HpBandSter's rule: a budget is modelled once it has minPointsInModel results and both its good
   * (the best max(minPoints, topN% of n)) and bad (the next max(minPoints, (100 - topN)% of n)) sets
   * have more points than dimensions; the largest such budget proposes.
   */
  private fit(study: StudyView, names: readonly string[], dists: readonly Distribution[]): BudgetModel | null {
    if (study.directions.length !== 1) throw new TfjsTuneError('BOHBSampler does not support multi-objective studies');
    const direction = study.directions[0] as 'minimize' | 'maximize';
    const byBudget = new Map<number, FrozenTrial[]>();
    for (const t of study.getTrials({ states: ['COMPLETE'] })) {
      if (!names.every((n) => Object.prototype.hasOwnProperty.call(t.params, n))) continue;
      const budget = slotOf(t)?.epochs ?? 0;
      const list = byBudget.get(budget) ?? [];
      list.push(t);
      byBudget.set(budget, list);
    }
    const d = names.length;
    const minPoints = this.minPoints ?? d + 1;
    const axes = dists.map(kdeAxis);
    for (const budget of [...byBudget.keys()].sort((a, b) => b - a)) {
      const ranked = rankTrials(byBudget.get(budget) ?? [], direction);
      const n = ranked.length;
      if (n < minPoints) continue;
      const nGood = Math.max(minPoints, Math.floor((this.topNPercent * n) / 100));
      const nBad = Math.max(minPoints, Math.floor(((100 - this.topNPercent) * n) / 100));
      const good = ranked.slice(0, nGood);
      const bad = ranked.slice(nGood, nGood + nBad);
      if (good.length <= d || bad.length <= d) continue;
      const encode = (trials: readonly FrozenTrial[]): Float64Array[] =>
        names.map((name) =>
          Float64Array.from(trials, (t) => toUnit(t.distributions[name] as Distribution, t.params[name] as ParamValue)),
        );
      return {
        budget,
        good: new BOHBKDE(encode(good), axes, this.minBandwidth, this.magicClip),
        bad: new BOHBKDE(encode(bad), axes, this.minBandwidth, this.magicClip),
      };
    }
    return null;
  }
}

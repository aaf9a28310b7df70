/**
 * Multi-fidelity speed-up on a learning-curve surrogate (learning-curves.ts): full-budget random
 * search against pruning (median, ASHA, Hyperband), 20 seeds, the same epoch budget each. Every
 * method draws the same configurations in the same order for a seed (the random sampler derives
 * each trial's values from the seed and the trial number), so differences come from pruning alone.
 *
 * Reported per method: trials run within the budget; epochs used for the first 30 trials (what
 * random search spends on its whole run); epochs until the incumbent (the completed trial with
 * the best observed value) is within 1 point of error of the best final value random search finds;
 * and the incumbent's true final error at a quarter, half and all of the budget.
 */
import { tunerMethods } from './hyperband-methods';
import {
  HARD_CURVES,
  MAX_EPOCHS,
  TYPICAL_CURVES,
  finalError,
  observedError,
  suggestConfig,
  type CurveProfile,
} from './learning-curves';
import { TrialPruned } from '../../src/errors';
import type { Pruner } from '../../src/pruners/base';
import { HyperbandPruner } from '../../src/pruners/hyperband';
import { MedianPruner } from '../../src/pruners/median';
import { NopPruner } from '../../src/pruners/nop';
import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving';
import { createStudy } from '../../src/study/create-study';
import { silentLogger } from '../../src/util/logger';
import type { BenchResult } from '../result';

/** One trial as a method ran it. */
export interface FinishedTrial {
  /** Epochs the whole run had used when this trial ended (new epochs only, for resuming methods). */
  readonly epochsUsed: number;
  /** Ran to MAX_EPOCHS: its observed value is a candidate for the incumbent. */
  readonly complete: boolean;
  /** The last error the method observed for it. */
  readonly observed: number;
  /** Its configuration's known final error. */
  readonly trueFinal: number;
}

/**
 * The hook for more methods (a Hyperband or BOHB tuner that resumes checkpoints, say): run until
 * `epochBudget` epochs are used and return the trials in the order they ended.
 */
export interface MultiFidelityMethod {
  readonly name: string;
  run(seed: number, epochBudget: number, curves: CurveProfile): Promise<readonly FinishedTrial[]>;
}

/** A method that is a pruner on a random-search study, trained epoch by epoch. */
export function prunerMethod(name: string, makePruner: () => Pruner): MultiFidelityMethod {
  return {
    name,
    async run(seed, epochBudget, curves) {
      const study = await createStudy({
        studyName: `surrogate-${seed}`,
        seed,
        pruner: makePruner(),
        logger: silentLogger,
      });
      const finished: FinishedTrial[] = [];
      let epochs = 0;
      await study.optimize(
        (trial) => {
          const config = suggestConfig(trial);
          const rng = trial.rng;
          let value = NaN;
          for (let epoch = 1; epoch <= MAX_EPOCHS; epoch++) {
            epochs++;
            value = observedError(config, epoch, rng, curves);
            trial.report(value, epoch);
            // After the last epoch there is nothing left to save, so no pruning there.
            if (epoch < MAX_EPOCHS && trial.shouldPrune()) {
              finished.push({
                epochsUsed: epochs,
                complete: false,
                observed: value,
                trueFinal: finalError(config, curves),
              });
              throw new TrialPruned();
            }
          }
          finished.push({ epochsUsed: epochs, complete: true, observed: value, trueFinal: finalError(config, curves) });
          return value;
        },
        {
          nTrials: 100 * Math.ceil(epochBudget / MAX_EPOCHS),
          callbacks: [(s) => (epochs >= epochBudget ? s.stop() : undefined)],
        },
      );
      return finished;
    },
  };
}

const CURVE_WORDS: Record<CurveProfile['name'], string> = {
  typical: 'Spearman of the error at 1/3/9/27 epochs with the final 0.24/0.65/0.93/0.99',
  hard: 'Spearman at 1/3/9/27 epochs -0.06/0.19/0.69/0.96, early rungs uninformative',
};
export { HARD_CURVES, TYPICAL_CURVES };

/** The methods compared by default; pass more to {@link surrogateBenchmark}. */
export const DEFAULT_METHODS: readonly MultiFidelityMethod[] = [
  prunerMethod('random-full', () => new NopPruner()),
  prunerMethod('median', () => new MedianPruner({ nStartupTrials: 5, nWarmupSteps: 5 })),
  prunerMethod('asha', () => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 })),
  // The same with its first rung at 9 epochs, past the point where the fast starters are overtaken.
  prunerMethod('asha-r9', () => new SuccessiveHalvingPruner({ minResource: 9, reductionFactor: 3 })),
  prunerMethod('hyperband', () => new HyperbandPruner({ minResource: 1, maxResource: MAX_EPOCHS, reductionFactor: 3 })),
  // Synchronous Hyperband as the tuners run it (promoted configurations resume), and BOHB.
  ...tunerMethods(),
];

/** The incumbent's true final error among trials ended within `epochLimit` epochs (NaN: none complete). */
function incumbentFinal(trials: readonly FinishedTrial[], epochLimit: number): number {
  let best: FinishedTrial | null = null;
  for (const t of trials) {
    if (t.epochsUsed > epochLimit) break;
    if (t.complete && (best === null || t.observed < best.observed)) best = t;
  }
  return best === null ? NaN : best.trueFinal;
}

/** Epochs until the incumbent's true final error is within `tolerance` of `target` (Infinity: never). */
function epochsToReach(trials: readonly FinishedTrial[], target: number, tolerance: number): number {
  let best: FinishedTrial | null = null;
  for (const t of trials) {
    if (t.complete && (best === null || t.observed < best.observed)) best = t;
    if (best !== null && best.trueFinal <= target + tolerance) return t.epochsUsed;
  }
  return Infinity;
}

function mean(xs: readonly number[]): number {
  const finite = xs.filter((x) => Number.isFinite(x));
  return finite.length === 0 ? NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface SurrogateOptions {
  readonly methods?: readonly MultiFidelityMethod[];
  readonly seeds?: number;
  /** Trials of full-budget random search; every method gets their epochs. */
  readonly fullTrials?: number;
  /** How much the learning curves cross. Default typical. */
  readonly curves?: CurveProfile;
}

export async function surrogateBenchmark(options: SurrogateOptions = {}): Promise<BenchResult> {
  const methods = options.methods ?? DEFAULT_METHODS;
  const seeds = options.seeds ?? 20;
  const fullTrials = options.fullTrials ?? 30;
  const curves = options.curves ?? TYPICAL_CURVES;
  const budget = fullTrials * MAX_EPOCHS;
  const tolerance = 1; // one point of validation error
  const baseline = methods[0];
  if (baseline === undefined)
    throw new Error('surrogateBenchmark needs at least one method (the first is the baseline)');

  const perMethod = methods.map(() => ({
    trials: [] as number[],
    epochsForFull: [] as number[],
    toTarget: [] as number[],
    at: [[], [], []] as number[][],
  }));
  for (let seed = 0; seed < seeds; seed++) {
    const traces = [];
    for (const m of methods) traces.push(await m.run(seed, budget, curves));
    // The best final value the baseline finds: the best known final error among its complete trials.
    const target = Math.min(...(traces[0] ?? []).filter((t) => t.complete).map((t) => t.trueFinal));
    traces.forEach((trace, i) => {
      const acc = perMethod[i];
      if (acc === undefined) return;
      const within = trace.filter((t) => t.epochsUsed <= budget);
      acc.trials.push(within.length);
      acc.epochsForFull.push(trace[fullTrials - 1]?.epochsUsed ?? NaN);
      acc.toTarget.push(epochsToReach(within, target, tolerance));
      [0.25, 0.5, 1].forEach((f, j) => acc.at[j]?.push(incumbentFinal(trace, f * budget)));
    });
  }

  const rows = methods.map((m, i) => {
    const acc = perMethod[i] as (typeof perMethod)[number];
    const med = median(acc.toTarget);
    return {
      method: m.name,
      trials: mean(acc.trials),
      [`epochsFor${fullTrials}Trials`]: mean(acc.epochsForFull),
      epochsToTargetMedian: Number.isFinite(med) ? med : `>${budget}`,
      reachedTarget: `${acc.toTarget.filter(Number.isFinite).length}/${seeds}`,
      finalAtQuarterBudget: mean(acc.at[0] ?? []),
      finalAtHalfBudget: mean(acc.at[1] ?? []),
      finalAtFullBudget: mean(acc.at[2] ?? []),
    };
  });
  const ratios: Record<string, number> = {};
  const baseMedian = median(perMethod[0]?.toTarget ?? []);
  methods.slice(1).forEach((m, k) => {
    const acc = perMethod[k + 1] as (typeof perMethod)[number];
    ratios[`${m.name}SpeedUpToTarget`] = baseMedian / median(acc.toTarget);
    ratios[`${m.name}FinalMinus${baseline.name}`] = mean(acc.at[2] ?? []) - mean(perMethod[0]?.at[2] ?? []);
  });
  return {
    name:
      (curves === TYPICAL_CURVES ? 'multifidelity-surrogate' : `multifidelity-surrogate-${curves.name}`) +
      (seeds === 20 ? '' : `-${seeds}-seeds`),
    description:
      `Learning-curve surrogate (validation error %, ${MAX_EPOCHS} epochs, ${curves.name} crossing curves: ${CURVE_WORDS[curves.name]}, noise sd 0.4), ${seeds} seeds, ` +
      `budget ${budget} epochs (${fullTrials} full trials) per method; target = best final error random-full finds, ` +
      `within ${tolerance} point; final* = mean true final error of the incumbent at that share of the budget.`,
    rows,
    ratios,
  };
}

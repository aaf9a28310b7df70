/**
 * Multi-fidelity speed-up with real training: the zoo's `cnn` on synthetic CIFAR and `lstm` on
 * synthetic IMDb (small, so a CPU run takes minutes), random search at full epochs against median
 * pruning, ASHA, and the Hyperband and BOHB tuners, each given the epochs random search uses for
 * `fullTrials` trials. One seed: real training is too slow for many, so read differences of a few
 * points as noise.
 *
 * Reported per case and method: trials and epochs trained; epochs and wall time until a trial trained
 * to maxEpochs first reaches within 1 point of the best final val_acc random search finds with its
 * whole budget; and the best final val_acc within the shared budget (the tuners resume checkpoints,
 * so each of their epochs is a new one; they may end one trial past the budget, which is not counted).
 */
import { prunerMethod, tunerMethod, type RealMethod, type TrainingCase, type TrialEnd } from './real-training-methods';
import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { syntheticImdb } from '../../datasets/synthetic-imdb';
import { cnn } from '../../models/cnn';
import { lstm } from '../../models/lstm';
import { MedianPruner } from '../../src/pruners/median';
import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving';
import { initBackend } from '../../src/training/backend';
import { ASHA } from '../../src/tuners/asha';
import { BOHB } from '../../src/tuners/bohb';
import { Hyperband } from '../../src/tuners/hyperband';
import type { BenchResult } from '../result';

export type CaseName = 'cnn' | 'lstm';

export interface RealTrainingOptions {
  /** Default both. */
  readonly cases?: readonly CaseName[];
  /**
   * Trials of full-epoch random search; every method gets their epochs. Default 20: random search
   * then reaches its target around its 10th trial, so a 3× speed-up means finding it within about
   * three full trials' epochs — what one Hyperband bracket spends.
   */
  readonly fullTrials?: number;
  /** Default 9. */
  readonly maxEpochs?: number;
  /** eta of ASHA, Hyperband and BOHB. Default 3. */
  readonly factor?: number;
  /** One run per seed (data, sampling and training all seeded from it). Default 0, 1, 2. */
  readonly seeds?: readonly number[];
  /** Replaces the methods compared; the first is the baseline. */
  readonly methods?: readonly RealMethod[];
  /** Progress lines (one per method run). */
  readonly log?: (message: string) => void;
}

export const DEFAULT_REAL_METHODS: readonly RealMethod[] = [
  prunerMethod('random-full', () => undefined),
  prunerMethod('median', () => new MedianPruner({ nStartupTrials: 3, nWarmupSteps: 2 })),
  prunerMethod('asha', (c) => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: c.factor })),
  tunerMethod('asha-tuner', (build, o) => new ASHA(build, { ...o, maxTrials: 1000 })),
  tunerMethod('hyperband-tuner', (build, o) => new Hyperband(build, { ...o, hyperbandIterations: 1000 })),
  tunerMethod('bohb', (build, o) => new BOHB(build, { ...o, hyperbandIterations: 1000 })),
];

function makeCase(name: CaseName, seed: number, maxEpochs: number, factor: number): TrainingCase {
  if (name === 'cnn') {
    // 16-pixel images: about 1 s an epoch on one wasm thread; the default CNN reaches ~0.6 on 4
    // classes in 9 epochs (chance 0.25), so configurations differ by far more than the 1-point target.
    // 800 validation images: the target is within 1 point, so val_acc's sampling noise must be small
    // beside it (sd about 1.7 points at 800 images and accuracy 0.65, against 2.8 at 300).
    const data = syntheticCifar({ nTrain: 1200, nVal: 800, classes: 4, imageSize: 16, seed });
    return { name, model: cnn, data, maxEpochs, factor };
  }
  // At 800 reviews the default LSTM stays near chance in 9 epochs; at 2,000 it reaches ~0.8.
  const data = syntheticImdb({ nTrain: 2000, nVal: 800, maxLen: 40, vocabSize: 1000, seed });
  return { name, model: lstm, data, maxEpochs, factor };
}

/** The first trial end at which the best final accuracy so far is within `tolerance` of `target`. */
function firstReach(ends: readonly TrialEnd[], target: number, tolerance: number): TrialEnd | null {
  let best = -Infinity;
  for (const e of ends) {
    if (e.finalAcc !== null) best = Math.max(best, e.finalAcc);
    if (best >= target - tolerance) return e;
  }
  return null;
}

function bestWithin(ends: readonly TrialEnd[], epochBudget: number): number {
  let best = NaN;
  for (const e of ends) {
    if (e.epochs > epochBudget || e.finalAcc === null) continue;
    if (!(e.finalAcc <= best)) best = e.finalAcc;
  }
  return best;
}

function median(xs: readonly number[]): number {
  const v = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length === 0
    ? NaN
    : v.length % 2 === 1
      ? (v[mid] as number)
      : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export async function realTrainingBenchmark(options: RealTrainingOptions = {}): Promise<BenchResult> {
  const cases = options.cases ?? ['cnn', 'lstm'];
  const fullTrials = options.fullTrials ?? 20;
  const maxEpochs = options.maxEpochs ?? 9;
  const factor = options.factor ?? 3;
  const seeds = options.seeds ?? [0, 1, 2];
  const methods = options.methods ?? DEFAULT_REAL_METHODS;
  const log = options.log ?? (() => undefined);
  const budget = fullTrials * maxEpochs;
  const tolerance = 0.01; // one point of accuracy
  const backend = await initBackend();

  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  for (const caseName of cases) {
    // Per method, per seed: epochs and seconds to the seed's target (Infinity: never), best final at budget.
    const toTarget = methods.map(() => ({ epochs: [] as number[], seconds: [] as number[], best: [] as number[] }));
    const spent = methods.map(() => ({ trials: [] as number[], epochs: [] as number[], seconds: [] as number[] }));
    const targets: number[] = [];
    for (const seed of seeds) {
      const c = makeCase(caseName, seed, maxEpochs, factor);
      const traces: (readonly TrialEnd[])[] = [];
      for (const m of methods) {
        const ends = await m.run(c, budget, seed);
        traces.push(ends);
        const last = ends.at(-1);
        log(
          `${caseName}/${m.name}/seed ${seed}: ${ends.length} trials, ${last?.epochs ?? 0} epochs, ${((last?.ms ?? 0) / 1000).toFixed(0)} s`,
        );
      }
      const target = bestWithin(traces[0] ?? [], budget);
      targets.push(target);
      methods.forEach((_m, i) => {
        const ends = traces[i] ?? [];
        const reach = firstReach(ends, target, tolerance);
        const last = ends.at(-1);
        const acc = toTarget[i] as (typeof toTarget)[number];
        acc.epochs.push(reach === null ? Infinity : reach.epochs);
        acc.seconds.push(reach === null ? Infinity : reach.ms / 1000);
        acc.best.push(bestWithin(ends, budget));
        const used = spent[i] as (typeof spent)[number];
        used.trials.push(ends.length);
        used.epochs.push(last?.epochs ?? 0);
        used.seconds.push((last?.ms ?? 0) / 1000);
      });
    }
    const base = toTarget[0] as (typeof toTarget)[number];
    methods.forEach((m, i) => {
      const acc = toTarget[i] as (typeof toTarget)[number];
      const used = spent[i] as (typeof spent)[number];
      const epochs = median(acc.epochs);
      const seconds = median(acc.seconds);
      rows.push({
        case: caseName,
        method: m.name,
        trials: median(used.trials),
        epochs: median(used.epochs),
        wallSeconds: median(used.seconds),
        epochsToTargetMedian: Number.isFinite(epochs) ? epochs : 'never',
        secondsToTargetMedian: Number.isFinite(seconds) ? seconds : 'never',
        reachedTarget: `${acc.epochs.filter(Number.isFinite).length}/${seeds.length}`,
        epochsToTargetBySeed: acc.epochs.map((e) => (Number.isFinite(e) ? String(e) : 'never')).join(' / '),
        bestFinalAccBySeed: acc.best.map((b) => b.toFixed(3)).join(' / '),
        bestFinalAccAtBudgetMean: acc.best.reduce((a, b) => a + b, 0) / acc.best.length,
      });
      if (i > 0) {
        ratios[`${caseName}-${m.name}-epochSpeedUpToTarget`] = median(base.epochs) / epochs;
        ratios[`${caseName}-${m.name}-timeSpeedUpToTarget`] = median(base.seconds) / seconds;
      }
    });
    ratios[`${caseName}-targetMean`] = targets.reduce((a, b) => a + b, 0) / targets.length;
  }
  return {
    name: `multifidelity-real-${cases.join('-')}${options.seeds === undefined ? '' : `-seeds-${seeds.join('-')}`}`,
    description:
      `Real training on ${backend.name}: ${cases.join(', ')} (synthetic data, ${maxEpochs} epochs, factor ${factor}), ` +
      `seeds ${seeds.join(', ')} (medians over them), budget ${budget} epochs (${fullTrials} full trials) per method; ` +
      `target = best val_acc after ${maxEpochs} epochs that random-full finds, within ${tolerance * 100} point; ` +
      `a speed-up of 0: the median seed never reached it.`,
    rows,
    ratios,
  };
}

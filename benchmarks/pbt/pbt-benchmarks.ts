// PBT on the two problems the literature uses to show it works, side by side with its ablations,
// medians over seeds (`npm run bench -- pbt-toy pbt-lr-schedule`).
import { Rng } from '../../src/random/rng';
import { CategoricalDistribution, FloatDistribution } from '../../src/space/distributions';
import { runPBT, type PBTOptions } from '../../src/schedulers/pbt/run-pbt';
import type { BenchResult } from '../result';
import { median } from '../training/stats';
import { toyMember, toyQ, type ToyState } from './toy-problem';
import { LR_TARGET, lrScheduleMember } from './lr-schedule-problem';

const TOY_VARIANTS: Record<string, Partial<PBTOptions<ToyState>>> = {
  pbt: {},
  'explore only': { exploit: false },
  'exploit only': { explore: false },
  grid: { exploit: false, explore: false },
};

/** The PBT paper's toy (Jaderberg et al. 2017, Fig. 2): best Q after 200 steps. */
export async function pbtToyBenchmark(seeds = 100): Promise<BenchResult> {
  const h = new FloatDistribution(0, 1);
  const rows: Record<string, string | number>[] = [];
  const medians: Record<string, number> = {};
  for (const synch of [true, false]) {
    for (const [variant, overrides] of Object.entries(TOY_VARIANTS)) {
      const best: number[] = [];
      for (let seed = 0; seed < seeds; seed++) {
        const run = await runPBT<ToyState>({
          populationSize: 2,
          perturbationInterval: 4,
          totalSteps: 200,
          seed,
          synch,
          hyperparamMutations: { h0: h, h1: h },
          initialParams: (id) => (id === 0 ? { h0: 1, h1: 0 } : { h0: 0, h1: 1 }),
          createMember: () => toyMember(),
          ...overrides,
        });
        best.push(run.best.score);
      }
      const key = `${variant}${synch ? '' : ' (asynchronous)'}`;
      medians[key] = median(best);
      rows.push({ variant: key, 'median best Q at 200 steps': median(best), 'min over seeds': Math.min(...best) });
    }
  }
  return {
    name: 'pbt-toy',
    description:
      `The PBT paper's toy problem: Q(θ) = 1.2 − (θ0² + θ1²), two members training θ by gradient ascent on ` +
      `Q̂(θ|h) = 1.2 − (h0·θ0² + h1·θ1²) from θ = [0.9, 0.9], h = [1, 0] and [0, 1], h mutable in [0, 1], ` +
      `ready every 4 steps, ${seeds} seeds. The maximum is 1.2; a member alone stays at ${toyQ([0, 0.9]).toFixed(2)}. Goal: PBT ≥ 1.19.`,
    rows,
    ratios: {
      'PBT median best Q (synchronous)': medians['pbt'] as number,
      'PBT median best Q (asynchronous)': medians['pbt (asynchronous)'] as number,
      'explore-only median best Q': medians['explore only'] as number,
    },
  };
}

interface LrVariant {
  readonly populationSize: number;
  readonly pbt: boolean;
  readonly synch?: boolean;
}

/** Ray Tune's pbt_function: the share of seeds in which some member reaches accuracy 200 within 300 steps. */
export async function pbtLrScheduleBenchmark(seeds = 50): Promise<BenchResult> {
  const lr = new FloatDistribution(0.0001, 0.02);
  const factor = new CategoricalDistribution([1, 2]);
  const variants: Record<string, LrVariant> = {
    'PBT, population 8': { populationSize: 8, pbt: true },
    'fixed learning rates, population 8': { populationSize: 8, pbt: false },
    'PBT, population 4': { populationSize: 4, pbt: true },
    // One process trains members one after another: asynchronously, the member ready first at a step
    // has no other there to be compared with; synchronous rounds compare all of them, as members
    // running side by side (Ray Tune's trials) are.
    'PBT, population 8, synchronous': { populationSize: 8, pbt: true, synch: true },
    'PBT, population 4, synchronous': { populationSize: 4, pbt: true, synch: true },
  };
  const rows: Record<string, string | number>[] = [];
  const shares: Record<string, number> = {};
  for (const [name, variant] of Object.entries(variants)) {
    let reached = 0;
    const stepsToTarget: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      let first = Number.POSITIVE_INFINITY;
      const noise = new Rng(seed).derive('noise');
      await runPBT<number>({
        populationSize: variant.populationSize,
        perturbationInterval: 4,
        totalSteps: 300,
        seed,
        synch: variant.synch === true,
        hyperparamMutations: { lr, some_other_factor: factor },
        // The example starts every member at lr 0.0001; fixed rates are drawn from the resample range.
        initialParams: variant.pbt
          ? () => ({ lr: 0.0001, some_other_factor: 1 })
          : (_id, rng) => ({ lr: rng.uniform(0.0001, 0.02), some_other_factor: 1 }),
        createMember: (id) =>
          lrScheduleMember(noise.derive(id), (step, acc) => {
            if (acc > LR_TARGET) first = Math.min(first, step);
          }),
        ...(variant.pbt ? {} : { exploit: false, explore: false }),
      });
      if (Number.isFinite(first)) {
        reached++;
        stepsToTarget.push(first);
      }
    }
    shares[name] = reached / seeds;
    rows.push({
      variant: name,
      'seeds reaching 200': `${reached}/${seeds}`,
      share: reached / seeds,
      'median steps to 200 (when reached)': stepsToTarget.length ? median(stepsToTarget) : 'never',
    });
  }
  return {
    name: 'pbt-lr-schedule',
    description:
      `Ray Tune's pbt_function example: accuracy grows fastest at a learning rate that rises and falls with ` +
      `accuracy; lr in [0.0001, 0.02] (resampled uniformly), some_other_factor in [1, 2] (no effect), ready ` +
      `every 4 steps, 300 steps, PBT with Ray's defaults (asynchronous unless named synchronous), ${seeds} seeds. ` +
      `Goal: PBT at population 8 ≥ 90 %.`,
    rows,
    ratios: Object.fromEntries(Object.entries(shares).map(([k, v]) => [`share reaching 200: ${k}`, v])),
  };
}

// PB2 against PBT at population 4 on Ray Tune's pbt_function (`npm run bench -- pb2-lr-schedule`):
// the same seeds, the same member noise, side by side in one run.
import { Rng } from '../../src/random/rng';
import { CategoricalDistribution, FloatDistribution } from '../../src/space/distributions';
import type { Explorer } from '../../src/schedulers/pbt/explorer';
import { runPBT } from '../../src/schedulers/pbt/run-pbt';
import { pb2Explorer } from '../../src/schedulers/pb2/pb2-explorer';
import { initBackend } from '../../src/training/backend';
import type { BenchResult } from '../result';
import { median } from '../training/stats';
import { LR_TARGET, lrScheduleMember } from './lr-schedule-problem';

interface Outcome {
  readonly reached: boolean;
  readonly steps: number;
  readonly seconds: number;
}

async function runOnce(
  seed: number,
  populationSize: number,
  explorer: Explorer | undefined,
  synch: boolean,
): Promise<Outcome> {
  let first = Number.POSITIVE_INFINITY;
  const noise = new Rng(seed).derive('noise');
  const started = performance.now();
  await runPBT<number>({
    populationSize,
    perturbationInterval: 4,
    totalSteps: 300,
    synch,
    seed,
    hyperparamMutations: {
      lr: new FloatDistribution(0.0001, 0.02),
      some_other_factor: new CategoricalDistribution([1, 2]),
    },
    initialParams: () => ({ lr: 0.0001, some_other_factor: 1 }),
    createMember: (id) =>
      lrScheduleMember(noise.derive(id), (step, acc) => {
        if (acc > LR_TARGET) first = Math.min(first, step);
      }),
    ...(explorer === undefined ? {} : { explorer }),
  });
  return { reached: Number.isFinite(first), steps: first, seconds: (performance.now() - started) / 1000 };
}

/** Seeds from PB2_SEEDS (a count) for quick looks; the recorded result uses 50. */
function seedCount(defaultSeeds: number): number {
  const raw = process.env['PB2_SEEDS'];
  if (raw === undefined) return defaultSeeds;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`PB2_SEEDS: got "${raw}"; expected a positive integer`);
  return n;
}

export async function pb2LrScheduleBenchmark(defaultSeeds = 50): Promise<BenchResult> {
  const seeds = seedCount(defaultSeeds);
  const backend = await initBackend();
  // Asynchronous (Ray's default) and synchronous: in one process the asynchronous variant's first
  // member at a step has no other to be compared with, so it exploits (and explores) less often.
  const variants: Record<string, { explorer: Explorer | undefined; synch: boolean }> = {
    'PBT, population 4': { explorer: undefined, synch: false },
    'PB2, population 4': { explorer: pb2Explorer(), synch: false },
    'PBT, population 4, synchronous': { explorer: undefined, synch: true },
    'PB2, population 4, synchronous': { explorer: pb2Explorer(), synch: true },
    // The ablation doubles the run's time (the GP costs ~0.3 s an explore on 2 cores): PB2_ABLATION=1 adds it.
    ...(process.env['PB2_ABLATION'] === '1'
      ? {
          'PB2 without the reward input, population 4': {
            explorer: pb2Explorer({ rewardContext: false }),
            synch: false,
          },
        }
      : {}),
  };
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  for (const [name, { explorer, synch }] of Object.entries(variants)) {
    const outcomes: Outcome[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const outcome = await runOnce(seed, 4, explorer, synch);
      outcomes.push(outcome);
      // A PB2 run takes ~20 CPU seconds: say where the benchmark is.
      process.stderr.write(
        `pb2-lr-schedule: ${name}, seed ${seed}: ${outcome.reached ? `200 at step ${outcome.steps}` : 'not reached'} (${outcome.seconds.toFixed(1)} s)\n`,
      );
    }
    const hits = outcomes.filter((o) => o.reached);
    rows.push({
      variant: name,
      'seeds reaching 200': `${hits.length}/${seeds}`,
      share: hits.length / seeds,
      'median steps to 200 (when reached)': hits.length ? median(hits.map((o) => o.steps)) : 'never',
      'median seconds per run': median(outcomes.map((o) => o.seconds)),
    });
    ratios[`share reaching 200: ${name}`] = hits.length / seeds;
  }
  return {
    name: 'pb2-lr-schedule',
    description:
      `Ray Tune's pbt_function example at population 4: lr in [0.0001, 0.02], some_other_factor a categorical ` +
      `[1, 2] (no effect), every member from lr 0.0001, ready every 4 steps, 300 steps, asynchronous (Ray's default) and synchronous, quantile ` +
      `0.25; PBT with Ray's explore defaults against PB2's GP-UCB explore (time-varying kernel, batch-aware), ` +
      `the same ${seeds} seeds and member noise; the GP on ${backend.name}. Goal: PB2 reaches 200 in more seeds than PBT (in each mode).`,
    rows,
    ratios,
  };
}

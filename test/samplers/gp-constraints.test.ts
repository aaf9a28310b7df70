import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { SearchSpaceEncoding } from '../../src/gp/search-space-encoding';
import { suggestConstrained } from '../../src/gp/suggest-constrained';
import { Rng } from '../../src/random/rng';
import { GPSampler } from '../../src/samplers/gp';
import { FloatDistribution } from '../../src/space/distributions';
import { isFeasible } from '../../src/study/multi-objective';
import { useBackend } from '../gp/helpers';

beforeAll(async () => {
  await useBackend('wasm');
});

const quiet = { logger: tune.logging.silentLogger };
/** The constraint: x + y <= 0.8 (about a third of the square); the unconstrained optimum (0.9, 0.9) breaks it. */
const constraint = (t: tune.FrozenTrial): number[] => [(t.params['x'] as number) + (t.params['y'] as number) - 0.8];
const objective = (t: tune.Trial): number =>
  (t.suggestFloat('x', 0, 1) - 0.9) ** 2 + (t.suggestFloat('y', 0, 1) - 0.9) ** 2;
const feasible = (t: tune.FrozenTrial): boolean => (t.params['x'] as number) + (t.params['y'] as number) <= 0.8;

async function run(sampler: GPSampler, directions: tune.StudyDirection[], obj: tune.Objective, n: number) {
  const study = await tune.createStudy({ sampler, directions, seed: 2, ...quiet });
  await study.optimize(obj, { nTrials: n });
  return study;
}

describe('GPSampler with constraints', () => {
  it('suggests mostly feasible points after the startup, unlike the unconstrained GP, and keeps bestTrial feasible', async () => {
    const before = tf.memory().numTensors;
    const options = { nStartupTrials: 6, nCandidates: 256 };
    const constrained = await run(
      new GPSampler({ ...options, constraintsFunc: constraint }),
      ['minimize'],
      objective,
      14,
    );
    const plain = await run(new GPSampler(options), ['minimize'], objective, 14);
    expect(tf.memory().numTensors).toBe(before);
    const after = (s: tune.Study): tune.FrozenTrial[] => s.trials.slice(6);
    const share = (s: tune.Study): number => after(s).filter(feasible).length / after(s).length;
    expect(share(constrained)).toBeGreaterThanOrEqual(0.7);
    expect(share(constrained)).toBeGreaterThan(share(plain) + 0.3);
    // Recorded as Optuna's system attribute, and the best trial is a feasible one.
    expect(constrained.trials.every((t) => Array.isArray(t.systemAttrs['constraints']))).toBe(true);
    expect(feasible(constrained.bestTrial)).toBe(true);
    // ...although an infeasible trial scored better, so the check above can fail.
    const best = constrained.bestTrial.value as number;
    expect(constrained.trials.some((t) => !feasible(t) && (t.value as number) < best)).toBe(true);
  });

  it('with several objectives: infeasible trials never in bestTrials, and most suggestions feasible', async () => {
    // Both objectives want x + y large or small in turn; feasibility cuts the front.
    const twoObjectives = (t: tune.Trial): number[] => {
      const x = t.suggestFloat('x', 0, 1);
      const y = t.suggestFloat('y', 0, 1);
      return [(x - 1) ** 2 + y * y, x * x + (y - 1) ** 2];
    };
    const s = await run(
      new GPSampler({ nStartupTrials: 6, nCandidates: 256, constraintsFunc: constraint }),
      ['minimize', 'minimize'],
      twoObjectives,
      14,
    );
    const infeasible = s.trials.filter((t) => !isFeasible(t));
    expect(infeasible.length).toBeGreaterThan(0);
    expect(s.bestTrials.length).toBeGreaterThan(0);
    expect(s.bestTrials.every((t) => isFeasible(t) && feasible(t))).toBe(true);
    expect(s.trials.slice(6).filter(feasible).length).toBeGreaterThanOrEqual(6);
  });

  it('before any feasible point, climbs the probability of feasibility', () => {
    const encoding = new SearchSpaceEncoding({ x: new FloatDistribution(0, 1) });
    // Every observation breaks c = 0.75 - x <= 0; the feasible side is x >= 0.75.
    const xs = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.6];
    const out = suggestConstrained({
      encoding,
      observed: xs.map((x) => Float64Array.of(x)),
      objectives: [xs.map((x) => -Math.abs(x - 0.3))],
      constraints: [xs.map((x) => 0.75 - x)],
      pending: [],
      kernel: 'matern52',
      acquisition: 'logEI',
      deterministic: false,
      batchStrategy: 'constantLiar',
      candidates: Array.from({ length: 32 }, (_, i) => Float64Array.of(i / 31)),
      rng: new Rng(5),
    });
    expect(out?.anyFeasible).toBe(false);
    expect(out?.x[0] as number).toBeGreaterThan(0.7);
  });
});

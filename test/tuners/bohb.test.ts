import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { Rng } from '../../src/random/rng';
import type { Sampler } from '../../src/samplers/base';
import { RandomSampler } from '../../src/samplers/random';
import { FloatDistribution } from '../../src/space/distributions';
import { createStudy } from '../../src/study/create-study';
import type { Study } from '../../src/study/study';
import { BOHBSampler } from '../../src/samplers/bohb/sampler';
import { BOHB } from '../../src/tuners/bohb';
import { BOHBKDE, fromUnit, toUnit } from '../../src/samplers/bohb/kde';
import type { HyperParameters } from '../../src/tuners/hyperparameters';
import { silentLogger } from '../../src/util/logger';

const OPTIMUM = [0.3, 0.7] as const;

/** A bowl with its minimum at OPTIMUM, plus a categorical that matters a little (it joins the model). */
async function runBowl(sampler: Sampler, nTrials: number): Promise<{ study: Study; points: number[][] }> {
  const study = await createStudy({ sampler, seed: 5, logger: silentLogger });
  const points: number[][] = [];
  for (let i = 0; i < nTrials; i++) {
    const trial = await study.ask();
    const x = trial.suggestFloat('x', 0, 1);
    const y = trial.suggestFloat('y', 0, 1);
    const c = trial.suggestCategorical('c', ['a', 'b', 'c']);
    points.push([x, y]);
    await study.tell(trial, (x - OPTIMUM[0]) ** 2 + (y - OPTIMUM[1]) ** 2 + (c === 'b' ? 0 : 0.05));
  }
  return { study, points };
}

const meanDistance = (points: readonly number[][], to: readonly number[]): number =>
  points.reduce(
    (s, [x, y]) => s + Math.hypot((x as number) - (to[0] as number), (y as number) - (to[1] as number)),
    0,
  ) / points.length;

describe('BOHB sampler', () => {
  it('concentrates new configurations near the optimum once its model kicks in, unlike random', async () => {
    const bohb = new BOHBSampler({ seed: 3 });
    const { study, points } = await runBowl(bohb, 60);
    const random = await runBowl(new RandomSampler({ seed: 3 }), 60);
    // With 3 parameters, a budget is modelled from 2 * (3 + 1) = 8 results on; before that, random.
    const space = {
      c: study.trials[0]!.distributions['c']!,
      x: new FloatDistribution(0, 1),
      y: new FloatDistribution(0, 1),
    };
    const view = (n: number): Study => ({ ...study, getTrials: () => study.trials.slice(0, n) }) as unknown as Study;
    expect(bohb.modelBudget(view(7), space)).toBeNull();
    expect(bohb.modelBudget(view(8), space)).toBe(0);
    const late = points.slice(30);
    const lateRandom = random.points.slice(30);
    expect(meanDistance(late, OPTIMUM)).toBeLessThan(0.7 * meanDistance(lateRandom, OPTIMUM));
    // A third of proposals stay random by design; most of the rest land close to the optimum.
    const near = (ps: number[][]): number => ps.filter((p) => meanDistance([p], OPTIMUM) < 0.15).length;
    expect(near(late)).toBeGreaterThanOrEqual(10);
    expect(near(late)).toBeGreaterThan(3 * near(lateRandom));
  });

  it('models the largest budget that has enough results', async () => {
    const sampler = new BOHBSampler({ seed: 1, randomFraction: 0 });
    const study = await createStudy({ sampler, seed: 2, logger: silentLogger });
    const rng = new Rng(9);
    // Budget 1 says the optimum is at (0.2, 0.2); budget 3, with enough results, says (0.8, 0.8).
    const tell = async (epochs: number, at: number, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await study.enqueueTrial({ x: rng.uniform(0, 1), y: rng.uniform(0, 1) });
        const trial = await study.ask();
        const x = trial.suggestFloat('x', 0, 1);
        const y = trial.suggestFloat('y', 0, 1);
        trial.setSystemAttr('hyperband', { iteration: 0, bracket: 0, round: 0, initialEpoch: 0, epochs, parent: null });
        await study.tell(trial, (x - at) ** 2 + (y - at) ** 2);
      }
    };
    await tell(1, 0.2, 30);
    await tell(3, 0.8, 5); // too few (needs 2 * (2 + 1)): budget 1 still proposes
    const space = { x: new FloatDistribution(0, 1), y: new FloatDistribution(0, 1) };
    expect(sampler.modelBudget(study, space)).toBe(1);
    await tell(3, 0.8, 5);
    expect(sampler.modelBudget(study, space)).toBe(3);
    const proposals: number[][] = [];
    for (let i = 0; i < 20; i++) {
      const trial = await study.ask();
      proposals.push([trial.suggestFloat('x', 0, 1), trial.suggestFloat('y', 0, 1)]);
      await study.tell(trial, null, { state: 'FAIL' }); // not a result: the model stays the same
    }
    expect(meanDistance(proposals, [0.8, 0.8])).toBeLessThan(0.5 * meanDistance(proposals, [0.2, 0.2]));
  });

  it('KDE: unit-cube round trip, a normalised density, and draws that stay in [0, 1]', () => {
    const log = new FloatDistribution(1e-4, 1e-1, true);
    expect(fromUnit(log, toUnit(log, 1e-2))).toBeCloseTo(1e-2, 10);
    const kde = new BOHBKDE([Float64Array.from([0.2, 0.25, 0.9])], [{ kind: 'numerical' }], 1e-3);
    let mass = 0;
    for (let i = 0; i < 4000; i++) mass += Math.exp(kde.logPdf([-1 + (i + 0.5) / 1000])) / 1000;
    expect(mass).toBeCloseTo(1, 3);
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const u = kde.sample(rng, 3)[0] as number;
      expect(u >= 0 && u <= 1).toBe(true);
    }
    expect(() => new BOHBSampler({ randomFraction: 2 })).toThrow(/randomFraction: got 2/);
    expect(() => new BOHBSampler({ topNPercent: 0 })).toThrow(/topNPercent/);
  });
});

describe('BOHB tuner', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-bohb-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the Hyperband schedule with modelled proposals; nothing leaks', async () => {
    const rng = new Rng(4);
    const xs = Array.from({ length: 40 * 3 }, () => rng.normal(0, 1));
    const x = tf.tensor2d(xs, [40, 3]);
    const y = tf.tensor2d(
      Array.from({ length: 40 }, (_, i) => (xs[3 * i]! + xs[3 * i + 1]! > 0 ? 1 : 0)),
      [40, 1],
    );
    const build = (hp: HyperParameters): tf.LayersModel => {
      const model = tf.sequential();
      model.add(
        tf.layers.dense({
          inputShape: [3],
          units: 1,
          activation: 'sigmoid',
          kernelInitializer: tf.initializers.zeros(),
        }),
      );
      model.compile({
        optimizer: tf.train.sgd(hp.Float('lr', 1e-3, 3, { sampling: 'log' })),
        loss: 'binaryCrossentropy',
      });
      return model;
    };
    const base = tf.memory().numTensors;
    const tuner = new BOHB(build, {
      objective: 'loss',
      maxEpochs: 3,
      factor: 3,
      hyperbandIterations: 4,
      minPointsInModel: 2,
      seed: 6,
      directory: dir,
      studyName: 'bohb',
    });
    await tuner.search(x, y, { batchSize: 40 });
    expect(tf.memory().numTensors).toBe(base);
    const trials = (await tuner.study()).trials;
    expect(trials).toHaveLength(4 * 6);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    const [best] = await tuner.getBestHyperparameters(1);
    expect(best!['lr']).toBeGreaterThan(0.1); // a big step size wins a 3-epoch race
    tf.dispose([x, y]);
    expect(() => new BOHB(build, { objective: 'loss', maxEpochs: 3, bandwidthFactor: 0 })).toThrow(/bandwidthFactor/);
    expect(() => new BOHB(build, { objective: 'loss', maxEpochs: 3, topN: 5 } as never)).toThrow(/BOHB options.topN/);
  });
});

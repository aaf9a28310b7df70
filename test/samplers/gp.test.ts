import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import * as suggest from '../../src/gp/suggest';
import { GPSampler } from '../../src/samplers/gp';
import { useBackend } from '../gp/helpers';
import { describeSamplerContract } from '../../src/testing';
import { branin, median, runStudy } from './helpers';

const quiet = { logger: tune.logging.silentLogger };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A fallback to the Sobol' point is a GP step that failed: the contract runs must have none.
const contractWarnings: string[] = [];
const recording: tune.logging.Logger = { info: () => undefined, warn: (m) => contractWarnings.push(m) };

describeSamplerContract(
  'GPSampler',
  (seed) => new GPSampler({ seed, nStartupTrials: 4, nCandidates: 256, logger: recording }),
  { nTrials: 10, multiObjective: false },
);

describe('GPSampler (after the contract)', () => {
  it('ran every GP step of the contract without a fallback', () => {
    expect(contractWarnings).toEqual([]);
  });
});

const study = (
  sampler: tune.samplers.Sampler,
  objective: tune.Objective,
  nTrials: number,
  seed = 0,
): Promise<tune.Study> => runStudy(sampler, objective, nTrials, { seed });

const braninObjective = (t: tune.Trial): number => branin(t.suggestFloat('x1', -5, 10), t.suggestFloat('x2', 0, 15));

describe('GPSampler finds good points', () => {
  it('Branin (optimum 0.397887): median best over 3 seeds at 30 trials is far better than random', async () => {
    const gp: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 3; seed++) {
      gp.push((await study(new GPSampler({ seed, nCandidates: 1024 }), braninObjective, 30)).bestValue);
      random.push((await study(new tune.samplers.RandomSampler({ seed }), braninObjective, 30)).bestValue);
    }
    expect(median(gp)).toBeLessThan(0.6);
    expect(median(gp)).toBeLessThan(median(random) / 2);
    expect(Math.min(...gp)).toBeGreaterThanOrEqual(0.397887);
  });

  it('heavy-tailed 3-d Rosenbrock: median best over 3 seeds at 30 trials is far better than random', async () => {
    // Values span six orders of magnitude over the box: the output warping and the local candidates
    // around the best points are what let the GP make progress here.
    const rosenbrock = (t: tune.Trial): number => {
      const x = [0, 1, 2].map((i) => t.suggestFloat(`x${i}`, -5, 10));
      let s = 0;
      for (let i = 0; i + 1 < x.length; i++)
        s += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
      return s;
    };
    const gp: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 3; seed++) {
      gp.push((await study(new GPSampler({ seed, nCandidates: 512 }), rosenbrock, 30)).bestValue);
      random.push((await study(new tune.samplers.RandomSampler({ seed }), rosenbrock, 30)).bestValue);
    }
    expect(median(gp)).toBeLessThan(median(random) / 3);
  });

  it('handles int, log and categorical parameters, maximisation, and a deterministic objective', async () => {
    const s = await tune.createStudy({
      sampler: new GPSampler({ seed: 3, nStartupTrials: 6, deterministicObjective: true }),
      direction: 'maximize',
      ...quiet,
    });
    await s.optimize(
      (t) => {
        const lr = t.suggestFloat('lr', 1e-5, 1e-1, { log: true });
        const units = t.suggestInt('units', 1, 256, { log: true });
        const layers = t.suggestInt('layers', 0, 10, { step: 2 });
        const act = t.suggestCategorical('act', ['relu', 'tanh', 'gelu']);
        return (
          -((Math.log10(lr) + 3) ** 2) -
          (Math.log2(units) - 5) ** 2 / 4 -
          (layers - 4) ** 2 / 4 -
          (act === 'tanh' ? 0 : 3)
        );
      },
      { nTrials: 22 },
    );
    expect(s.bestParams['act']).toBe('tanh');
    expect(s.bestValue).toBeGreaterThan(-1.5);
    for (const t of s.trials) {
      expect(Number.isInteger(t.params['units'])).toBe(true);
      expect((t.params['layers'] as number) % 2).toBe(0);
    }
  });
});

describe('GPSampler behaviour', () => {
  it('gives the same trials for the same seed (GP steps included)', async () => {
    const params = async (): Promise<unknown[]> =>
      (await study(new GPSampler({ seed: 9, nStartupTrials: 4 }), braninObjective, 8)).trials.map((t) => t.params);
    expect(await params()).toEqual(await params());
  });

  it('draws its startup points as its RandomSampler does (as Optuna), by default', async () => {
    const gp = await study(new GPSampler({ seed: 3, nStartupTrials: 8 }), braninObjective, 6);
    const random = await study(new tune.samplers.RandomSampler({ seed: 3 }), braninObjective, 6);
    expect(gp.trials.map((t) => t.params)).toEqual(random.trials.map((t) => t.params));
  });

  it("with startup: 'sobol', starts from a scrambled Sobol design: stratified, not random", async () => {
    const s = await study(new GPSampler({ seed: 2, nStartupTrials: 32, startup: 'sobol' }), braninObjective, 16);
    // Trial i takes Sobol point i (trial 0 is random: no joint space is known yet). Points 0..15
    // put exactly 4 in each quarter of x1's range, so points 1..15 put 3 or 4 there.
    const x1 = s.trials.slice(1).map((t) => t.params['x1'] as number);
    for (let q = 0; q < 4; q++) {
      const inQuarter = x1.filter((v) => v >= -5 + 3.75 * q && v < -5 + 3.75 * (q + 1)).length;
      expect([3, 4]).toContain(inQuarter);
    }
  });

  it.each(['constantLiar', 'krigingBeliever'] as const)(
    '%s: trials asked together, before any is told, differ',
    async (batchStrategy) => {
      const s = await tune.createStudy({
        sampler: new GPSampler({ seed: 1, nStartupTrials: 5, batchStrategy }),
        ...quiet,
      });
      for (let i = 0; i < 6; i++) {
        const t = await s.ask();
        await s.tell(t, braninObjective(t));
      }
      const batch = [];
      for (let i = 0; i < 3; i++) {
        const t = await s.ask();
        braninObjective(t); // suggest, so that the running trial's point is stored for the next ask
        batch.push(t);
      }
      const points = batch.map((t) => JSON.stringify(t.params));
      expect(new Set(points).size).toBe(3);
    },
  );

  it('never suggests NaN: a failing GP step falls back to the Sobol point and says why', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    const spy = jest.spyOn(suggest, 'suggestPoint').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const s = await study(new GPSampler({ seed: 4, nStartupTrials: 3, logger }), braninObjective, 6);
      for (const t of s.trials) {
        expect(Number.isFinite(t.params['x1'])).toBe(true);
        expect(Number.isFinite(t.params['x2'])).toBe(true);
      }
      expect(warnings.length).toBe(3);
      expect(warnings[0]).toMatch(/falls back to a Sobol' point: boom/);
    } finally {
      spy.mockRestore();
    }
  });

  it('copes with a constant objective and with huge values', async () => {
    for (const objective of [() => 7, (t: tune.Trial) => 1e30 * braninObjective(t)]) {
      const s = await study(
        new GPSampler({ seed: 5, nStartupTrials: 4, nCandidates: 128 }),
        (t) => {
          braninObjective(t);
          return objective(t);
        },
        8,
      );
      expect(s.trials.every((t) => t.state === 'COMPLETE' && Number.isFinite(t.params['x1']))).toBe(true);
    }
  });

  it('refuses bad options, naming them', () => {
    expect(() => new GPSampler({ nQmcSamples: 0 })).toThrow(/nQmcSamples/);
    expect(() => new GPSampler({ constraintsFunc: () => [0], acquisition: 'ucb' })).toThrow(/acquisition/);
    expect(() => new GPSampler({ constraintsFunc: 3 as never })).toThrow(/constraintsFunc/);
    expect(() => new GPSampler({ acquisition: 'ei' as never })).toThrow(/acquisition/);
    expect(() => new GPSampler({ nStartupTrials: 0 })).toThrow(/nStartupTrials/);
    expect(() => new GPSampler({ startup: 'lhs' as never })).toThrow(/startup.*"random", "sobol"/);
    expect(() => new GPSampler({ kernel: 'linear' as never })).toThrow(/kernel/);
    expect(() => new GPSampler({ seeed: 1 } as never)).toThrow(/seeed/);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await study(new GPSampler({ seed: 6, nStartupTrials: 3, nCandidates: 128 }), braninObjective, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs on the wasm backend too, every GP step without a fallback', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    await useBackend('wasm');
    try {
      const s = await study(new GPSampler({ seed: 7, nStartupTrials: 5, logger }), braninObjective, 16);
      expect(warnings).toEqual([]);
      expect(s.bestValue).toBeLessThan(5);
    } finally {
      await useBackend('cpu');
    }
  });
});

import * as tune from '../../src';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import {
  defaultGamma,
  defaultGammaMultiObjective,
  defaultWeights,
  hyperoptDefaultGamma,
} from '../../src/samplers/tpe/weights';
import { describeSamplerContract } from '../../src/testing';
import { branin, median, runStudy } from './helpers';

const quiet = { logger: tune.logging.silentLogger };

describeSamplerContract('TPESampler', (seed) => new TPESampler({ seed }));
describeSamplerContract(
  'TPESampler multivariate + group + constantLiar',
  (seed) => new TPESampler({ seed, multivariate: true, group: true, constantLiar: true, nStartupTrials: 5 }),
);

const bestOf = async (sampler: tune.samplers.Sampler, objective: tune.Objective, nTrials: number): Promise<number> =>
  (await runStudy(sampler, objective, nTrials)).bestValue;

describe('TPESampler finds good points', () => {
  it('median best on Branin over 10 seeds is at most 0.6 after 100 trials (optimum 0.397887)', async () => {
    const bests: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      bests.push(
        await bestOf(
          new TPESampler({ seed }),
          (t) => branin(t.suggestFloat('x1', -5, 10), t.suggestFloat('x2', 0, 15)),
          100,
        ),
      );
    }
    expect(median(bests)).toBeLessThanOrEqual(0.6);
    expect(Math.min(...bests)).toBeGreaterThanOrEqual(0.397887);
  });

  it('beats random search on a quadratic at 50 trials, in median over seeds', async () => {
    const quadratic = (t: tune.Trial): number =>
      (t.suggestFloat('x', -10, 10) - 2) ** 2 +
      (t.suggestFloat('y', -10, 10) + 1) ** 2 +
      (t.suggestInt('n', -20, 20) - 5) ** 2;
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 7; seed++) {
      tpe.push(await bestOf(new TPESampler({ seed }), quadratic, 50));
      random.push(await bestOf(new tune.samplers.RandomSampler({ seed }), quadratic, 50));
    }
    expect(median(tpe)).toBeLessThan(median(random) / 2);
  });

  it('handles log, int and categorical parameters on a mixed problem', async () => {
    const mixed = (t: tune.Trial): number =>
      Math.abs(Math.log10(t.suggestFloat('lr', 1e-5, 1, { log: true })) + 2.5) +
      Math.abs(t.suggestInt('units', 8, 512, { log: true }) - 100) / 100 +
      (t.suggestCategorical('act', ['relu', 'tanh', 'gelu', null]) === 'gelu' ? 0 : 1);
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(await bestOf(new TPESampler({ seed }), mixed, 60));
      random.push(await bestOf(new tune.samplers.RandomSampler({ seed }), mixed, 60));
    }
    expect(median(tpe)).toBeLessThan(median(random));
  });
});

describe("TPESampler's defaults are Optuna's numbers", () => {
  it('gamma: min(ceil(0.1 n), 25); hyperopt: min(ceil(sqrt(n) / 4), 25)', () => {
    expect([0, 1, 9, 10, 11, 100, 249, 250, 251, 1000].map(defaultGamma)).toEqual([0, 1, 1, 1, 2, 10, 25, 25, 25, 25]);
    expect([0, 1, 16, 17, 100, 10000, 20000].map(hyperoptDefaultGamma)).toEqual([0, 1, 1, 2, 3, 25, 25]);
  });

  it('several objectives: gamma ceil(0.1 n) without the cap of 25 (Optuna PR #6766)', () => {
    expect([0, 1, 11, 250, 251, 1000].map(defaultGammaMultiObjective)).toEqual([0, 1, 2, 25, 26, 100]);
  });

  it('multivariate by default for one objective, independent for several (Optuna PR #6746)', async () => {
    const objective = (t: tune.Trial): number[] => [t.suggestFloat('x', 0, 1), t.suggestFloat('y', 0, 1)];
    const one = await tune.createStudy({ sampler: new TPESampler({ seed: 1 }), seed: 0, ...quiet });
    await one.optimize((t) => objective(t)[0] as number, { nTrials: 3 });
    expect(Object.keys(one.sampler.inferRelativeSearchSpace(one, one.trials[0] as never)).sort()).toEqual(['x', 'y']);
    const two = await tune.createStudy({
      sampler: new TPESampler({ seed: 1 }),
      directions: ['minimize', 'minimize'],
      seed: 0,
      ...quiet,
    });
    await two.optimize(objective, { nTrials: 3 });
    expect(two.sampler.inferRelativeSearchSpace(two, two.trials[0] as never)).toEqual({});
    // group implies multivariate, for several objectives too.
    const grouped = new TPESampler({ seed: 1, group: true });
    expect(Object.keys(grouped.inferRelativeSearchSpace(two)).sort()).toEqual(['x', 'y']);
  });

  it('weights: flat 1 for the newest 25, a ramp from 1/n for older ones', () => {
    expect(Array.from(defaultWeights(0))).toEqual([]);
    expect(Array.from(defaultWeights(24))).toEqual(new Array(24).fill(1));
    expect(Array.from(defaultWeights(26))).toEqual([0.038461538461538464, ...new Array(25).fill(1)]);
    // optuna.samplers._tpe.sampler.default_weights(30)
    expect(Array.from(defaultWeights(30).subarray(0, 5))).toEqual([
      0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1,
    ]);
  });
});

describe('TPESampler modes', () => {
  it('samples its first nStartupTrials exactly as the RandomSampler with the same seed', async () => {
    const objective = (t: tune.Trial): number => t.suggestFloat('x', -1, 1) ** 2 + t.suggestInt('k', 0, 9);
    const run = async (sampler: tune.samplers.Sampler): Promise<unknown[]> => {
      const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
      await study.optimize(objective, { nTrials: 12 });
      return study.trials.map((t) => t.params);
    };
    const tpe = await run(new TPESampler({ seed: 5 }));
    const random = await run(new tune.samplers.RandomSampler({ seed: 5 }));
    expect(tpe.slice(0, 10)).toEqual(random.slice(0, 10));
    expect(tpe.slice(10)).not.toEqual(random.slice(10));
  });

  it('multivariate: samples the shared space jointly at trial start', async () => {
    const sampler = new TPESampler({ seed: 1, multivariate: true });
    const spy = jest.spyOn(sampler, 'sampleIndependent');
    const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
    await study.optimize((t) => branin(t.suggestFloat('x1', -5, 10), t.suggestFloat('x2', 0, 15)), { nTrials: 40 });
    // After the random start-up, nothing is sampled independently.
    expect(spy.mock.calls.filter(([, trial]) => trial.number >= 10)).toHaveLength(0);
    expect(spy).toHaveBeenCalledTimes(20);
    expect(Object.keys(sampler.inferRelativeSearchSpace(study))).toEqual(['x1', 'x2']);
    expect(study.bestValue).toBeLessThan(2);
  });

  it('group: one joint model per branch of a conditional space, each branch respected', async () => {
    const sampler = new TPESampler({ seed: 2, multivariate: true, group: true });
    const spy = jest.spyOn(sampler, 'sampleIndependent');
    const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
    await study.optimize(
      (t) => {
        const branch = t.suggestCategorical('branch', ['a', 'b']);
        if (branch === 'a') return (t.suggestFloat('ax', -5, 5) - 1) ** 2 + 1;
        return (t.suggestFloat('bx', -5, 5) + 2) ** 2 + (t.suggestInt('bn', 0, 10) - 3) ** 2;
      },
      { nTrials: 60 },
    );
    expect(Object.keys(sampler.inferRelativeSearchSpace(study)).sort()).toEqual(['ax', 'bn', 'branch', 'bx']);
    for (const t of study.trials) {
      const keys = Object.keys(t.params).sort();
      expect(keys).toEqual(t.params['branch'] === 'a' ? ['ax', 'branch'] : ['bn', 'branch', 'bx']);
    }
    // Once both branches have been seen, everything comes from the joint models.
    const independentAfter = spy.mock.calls.filter(([, trial]) => trial.number >= 20).length;
    expect(independentAfter).toBe(0);
    expect(study.bestValue).toBeLessThan(1.5);
  });

  it('constantLiar is on by default (Optuna PR #6738): the same suggestions as asking for it', async () => {
    const objective = (t: tune.Trial): number => (t.suggestFloat('x', -10, 10) - 1) ** 2;
    const workers = async (sampler: TPESampler): Promise<number[]> => {
      const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
      await study.optimize(objective, { nTrials: 15 });
      const running = [];
      for (let k = 0; k < 3; k++) {
        const trial = await study.ask();
        trial.suggestFloat('x', -10, 10);
        running.push(trial.params['x'] as number);
      }
      return running;
    };
    const byDefault = await workers(new TPESampler({ seed: 4 }));
    expect(byDefault).toEqual(await workers(new TPESampler({ seed: 4, constantLiar: true })));
    expect(byDefault).not.toEqual(await workers(new TPESampler({ seed: 4, constantLiar: false })));
  });

  it('constantLiar: running trials count as bad ones, which changes later suggestions', async () => {
    const objective = (t: tune.Trial): number => (t.suggestFloat('x', -10, 10) - 1) ** 2;
    let changed = 0;
    for (let seed = 0; seed < 6; seed++) {
      const suggestions: number[][] = [];
      for (const constantLiar of [false, true]) {
        const study = await tune.createStudy({ sampler: new TPESampler({ seed, constantLiar }), seed: 0, ...quiet });
        await study.optimize(objective, { nTrials: 20 });
        // Four workers: each asks while the earlier ones are still running.
        const running = [];
        for (let k = 0; k < 4; k++) {
          const trial = await study.ask();
          trial.suggestFloat('x', -10, 10);
          running.push(trial);
        }
        suggestions.push(running.map((t) => t.params['x'] as number));
      }
      const [plain, liar] = suggestions as [number[], number[]];
      // The first worker sees no running trial: the same suggestion either way.
      expect(liar[0]).toBe(plain[0]);
      if (liar.slice(1).some((x, i) => x !== plain[i + 1])) changed++;
    }
    expect(changed).toBeGreaterThanOrEqual(4);
  });

  it('learns from PRUNED trials, ranked by their last value, as from completed ones', async () => {
    const run = async (prune: boolean): Promise<number[]> => {
      const study = await tune.createStudy({ sampler: new TPESampler({ seed: 1 }), seed: 0, ...quiet });
      await study.optimize(
        (t) => {
          const v = (t.suggestFloat('x', -10, 10) - 3) ** 2;
          t.report(v, 0);
          if (prune) throw new tune.TrialPruned();
          return v;
        },
        { nTrials: 50 },
      );
      return study.trials.map((t) => t.params['x'] as number);
    };
    const pruned = await run(true);
    // All pruned at the same step rank exactly as their values would: the same trials.
    expect(pruned).toEqual(await run(false));
    // Uniform sampling would give a median distance to the optimum of about 5.
    expect(median(pruned.slice(25).map((x) => Math.abs(x - 3)))).toBeLessThan(3);
  });

  it('multi-objective (MOTPE): pushes the Pareto front further than random search', async () => {
    const zdt1 = (t: tune.Trial): number[] => {
      const xs = [0, 1, 2, 3].map((i) => t.suggestFloat(`x${i}`, 0, 1));
      const f1 = xs[0] as number;
      const g = 1 + (9 * xs.slice(1).reduce((s, v) => s + v, 0)) / 3;
      return [f1, g * (1 - Math.sqrt(f1 / g))];
    };
    const bestSum = async (sampler: tune.samplers.Sampler): Promise<number> => {
      const study = await tune.createStudy({ sampler, directions: ['minimize', 'minimize'], seed: 0, ...quiet });
      await study.optimize(zdt1, { nTrials: 60 });
      return Math.min(...study.bestTrials.map((t) => (t.values?.[0] ?? 0) + (t.values?.[1] ?? 0)));
    };
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(await bestSum(new TPESampler({ seed })));
      random.push(await bestSum(new tune.samplers.RandomSampler({ seed })));
    }
    expect(median(tpe)).toBeLessThan(median(random));
  });

  it('refuses bad options, naming them', () => {
    expect(() => new TPESampler({ nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    expect(() => new TPESampler({ nEICandidates: 0 })).toThrow(/nEICandidates/);
    expect(() => new TPESampler({ priorWeight: -1 })).toThrow(/priorWeight/);
    expect(() => new TPESampler({ group: true, multivariate: false })).toThrow(/multivariate/);
    expect(() => new TPESampler({ parzenRules: 'optuna-4' } as never)).toThrow(/parzenRules.*optuna-3\.5/);
    expect(() => new TPESampler({ motpeWeights: 'equal' } as never)).toThrow(/motpeWeights.*hypervolume/);
    expect(() => new TPESampler({ n_startup_trials: 3 } as never)).toThrow(/options\.n_startup_trials/);
    expect(() => new TPESampler({ gamma: 3 } as never)).toThrow(/gamma/);
  });
});

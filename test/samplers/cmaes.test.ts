import * as tune from '../../src';
import type { CmaEsSamplerOptions } from '../../src/samplers/cmaes/options';
import { CmaEsSampler } from '../../src/samplers/cmaes/sampler';
import { Cma } from '../../src/samplers/cmaes/cma';
import { symmetricEigen } from '../../src/samplers/cmaes/jacobi';
import { Rng } from '../../src/random/rng';
import { describeSamplerContract } from '../../src/testing';
import { median, runStudy } from './helpers';

const quiet = { logger: tune.logging.silentLogger };

describeSamplerContract('CmaEsSampler', (seed) => new CmaEsSampler({ seed }), { multiObjective: false });
describeSamplerContract(
  'CmaEsSampler ipop + withMargin',
  (seed) => new CmaEsSampler({ seed, restartStrategy: 'ipop', withMargin: true, popsize: 4, nStartupTrials: 0 }),
  { multiObjective: false },
);

const sphere5 = (t: tune.Trial): number => {
  let s = 0;
  for (let i = 0; i < 5; i++) s += (t.suggestFloat(`x${i}`, -5, 5) - 1) ** 2;
  return s;
};

const rosenbrock4 = (t: tune.Trial): number => {
  const x = [0, 1, 2, 3].map((i) => t.suggestFloat(`x${i}`, -2, 2));
  let s = 0;
  for (let i = 0; i < 3; i++)
    s += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
  return s;
};

describe('CmaEsSampler finds good points', () => {
  async function compare(objective: tune.Objective, nTrials: number): Promise<{ cma: number; random: number }> {
    const cma: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      cma.push((await runStudy(new CmaEsSampler({ seed }), objective, nTrials)).bestValue);
      random.push((await runStudy(new tune.samplers.RandomSampler({ seed }), objective, nTrials)).bestValue);
    }
    return { cma: median(cma), random: median(random) };
  }

  it('beats random search on a 5-D sphere at 100 trials (median over 5 seeds)', async () => {
    const { cma, random } = await compare(sphere5, 100);
    expect(cma).toBeLessThan(random / 4);
  });

  it('beats random search on Rosenbrock-4 at 150 trials (median over 5 seeds)', async () => {
    const { cma, random } = await compare(rosenbrock4, 150);
    expect(cma).toBeLessThan(random);
  });

  it('maximises too, and with margin reaches the exact optimum of an integer problem', async () => {
    const maxed = await runStudy(new CmaEsSampler({ seed: 1 }), (t) => -sphere5(t), 100, { direction: 'maximize' });
    expect(maxed.bestValue).toBeGreaterThan(-1);
    const ints = (t: tune.Trial): number =>
      (t.suggestInt('a', -10, 10) - 3) ** 2 +
      (t.suggestInt('b', 0, 40, { step: 2 }) - 8) ** 2 +
      (t.suggestInt('c', 1, 64, { log: true }) - 5) ** 2;
    const margin = await runStudy(new CmaEsSampler({ seed: 2, withMargin: true }), ints, 120);
    expect(margin.bestValue).toBe(0);
  });
});

describe('CmaEsSampler state', () => {
  it('is a pure function of the trials: a fresh sampler replays the same mean and sigma', async () => {
    const sampler = new CmaEsSampler({ seed: 3 });
    const study = await runStudy(sampler, sphere5, 60);
    const live = sampler.currentState(study);
    const replayed = new CmaEsSampler({ seed: 3 }).currentState(study);
    expect(live).not.toBeNull();
    expect(live?.generation).toBeGreaterThan(3);
    expect(replayed).toEqual(live);
    // And again, from the same sampler: the cache changes nothing.
    expect(sampler.currentState(study)).toEqual(live);
  });

  it('reaches the same state as a replay from scratch when concurrent trials finish out of order', async () => {
    const sampler = new CmaEsSampler({ seed: 8, popsize: 5 });
    const study = await tune.createStudy({ sampler, seed: 8, ...quiet });
    await study.optimize(
      async (t) => {
        const v = sphere5(t);
        await new Promise((r) => setTimeout(r, (t.number * 7) % 5));
        return v;
      },
      { nTrials: 60, concurrency: 4 },
    );
    const live = sampler.currentState(study);
    expect(live?.generation).toBeGreaterThan(5);
    expect(new CmaEsSampler({ seed: 8, popsize: 5 }).currentState(study)).toEqual(live);
  });

  it('is identical in two study instances that share one storage', async () => {
    const storage = new tune.storages.InMemoryStorage();
    const a = await tune.createStudy({
      storage,
      studyName: 'shared',
      sampler: new CmaEsSampler({ seed: 4 }),
      seed: 4,
      ...quiet,
    });
    const b = await tune.loadStudy({ storage, studyName: 'shared', sampler: new CmaEsSampler({ seed: 4 }), ...quiet });
    for (let round = 0; round < 4; round++) {
      await a.optimize(sphere5, { nTrials: 9 });
      await b.refresh();
      await b.optimize(sphere5, { nTrials: 7 });
      await a.refresh();
    }
    const sa = (a.sampler as CmaEsSampler).currentState(a);
    const sb = (b.sampler as CmaEsSampler).currentState(b);
    expect(sa?.generation).toBeGreaterThan(4);
    expect(sb).toEqual(sa);
  });

  it('follows Optuna: generation g+1 starts after popsize completed trials; failed ones do not count', async () => {
    const sampler = new CmaEsSampler({ seed: 5, popsize: 6 });
    const study = await runStudy(
      sampler,
      (t) => {
        const v = sphere5(t);
        if (t.number % 5 === 3) throw new Error('diverged');
        return v;
      },
      40,
    );
    const completed = study.getTrials({ states: ['COMPLETE'] });
    // One start-up trial, then generations of 6 completed trials.
    const state = sampler.currentState(study);
    expect(state?.generation).toBe(Math.floor((completed.length - 1) / 6));
    expect(state?.popsize).toBe(6);
    expect(state?.lastTrialConsumed).toBe((completed[6 * (state?.generation ?? 0)] as tune.FrozenTrial).number);
  });

  it('IPOP restarts a stopped run with incPopsize times the population', async () => {
    const sampler = new CmaEsSampler({ seed: 6, restartStrategy: 'ipop', popsize: 4, incPopsize: 3 });
    // A flat objective: the loss range stays below tolfun, so each run stops after its history fills.
    const study = await runStudy(sampler, (t) => 0 * (t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1)), 130);
    const state = sampler.currentState(study);
    expect(state?.restarts).toBeGreaterThanOrEqual(1);
    expect(state?.popsize).toBe(4 * 3 ** (state?.restarts ?? 0));
    const plain = new CmaEsSampler({ seed: 6, popsize: 4 }).currentState(study);
    expect(plain?.restarts).toBe(0);
    expect(plain?.popsize).toBe(4);
  });

  it('starts at x0 with sigma0, and leaves categorical parameters to the independent sampler (warning once)', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    const sampler = new CmaEsSampler({ seed: 7, x0: { x: 2, n: -3 }, sigma0: 1e-6, logger });
    const study = await runStudy(
      sampler,
      (t) =>
        t.suggestFloat('x', -5, 5) +
        t.suggestInt('n', -10, 10) +
        (t.suggestCategorical('c', ['a', 'b']) === 'a' ? 0 : 1),
      5,
    );
    for (const t of study.trials.slice(1)) {
      expect(t.params['x']).toBeCloseTo(2, 4);
      expect(t.params['n']).toBe(-3);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"c"');
  });

  it('rejects several objectives and bad options', async () => {
    const study = await tune.createStudy({
      sampler: new CmaEsSampler({ seed: 1 }),
      directions: ['minimize', 'minimize'],
      ...quiet,
    });
    await expect(study.optimize((t) => [t.suggestFloat('x', 0, 1), 1], { nTrials: 2 })).rejects.toThrow(
      tune.errors.InvalidArgumentError,
    );
    expect(() => new CmaEsSampler({ sigma0: 0 })).toThrow(tune.errors.InvalidArgumentError);
    expect(() => new CmaEsSampler({ popsize: 1 })).toThrow(tune.errors.InvalidArgumentError);
    expect(() => new CmaEsSampler({ restartStrategy: 'bipop' as 'ipop' })).toThrow(tune.errors.InvalidArgumentError);
    expect(() => new CmaEsSampler({ incPopsize: 1 })).toThrow(tune.errors.InvalidArgumentError);
    expect(() => new CmaEsSampler({ x0: { x: Number.NaN } })).toThrow(tune.errors.InvalidArgumentError);
    expect(() => new CmaEsSampler({ popSize: 4 } as unknown as CmaEsSamplerOptions)).toThrow(
      tune.errors.InvalidArgumentError,
    );
  });
});

describe('CMA-ES core', () => {
  it('Jacobi gives A v = λ v with orthonormal v, eigenvalues ascending', () => {
    const rng = new Rng(1);
    const n = 6;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(m, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
    for (let k = 0; k < n; k++) {
      for (let r = 0; r < n; r++) {
        let av = 0;
        for (let c = 0; c < n; c++) av += (m[r * n + c] as number) * (vectors[c * n + k] as number);
        expect(av).toBeCloseTo((values[k] as number) * (vectors[r * n + k] as number), 10);
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += (vectors[r * n + k] as number) * (vectors[r * n + l] as number);
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 10);
      }
    }
  });

  it("matches the cmaes library's update on a pinned generation (mean, sigma, C)", () => {
    // Values from cmaes 0.9.1: CMA(mean=[0.2, 0.7], sigma=0.3, population_size=4), one tell.
    const cma = new Cma(Float64Array.from([0.2, 0.7]), 0.3, 4, 20);
    const xs = [
      [0.1, 0.5],
      [0.4, 0.9],
      [0.3, 0.6],
      [0.0, 0.8],
    ];
    cma.tell(xs.map((x) => ({ x: Float64Array.from(x), y: (x[0] as number) ** 2 + (x[1] as number) ** 2 })));
    cma.eigenDecomposition();
    Array.from(cma.mean).forEach((v, i) => expect(v).toBeCloseTo(PINNED.mean[i] as number, 12));
    expect(cma.sigma).toBeCloseTo(PINNED.sigma, 12);
    Array.from(cma.c).forEach((v, i) => expect(v).toBeCloseTo(PINNED.c[i] as number, 12));
  });
});

const PINNED = {
  mean: [0.1391674280134541, 0.519583714006727],
  sigma: 0.25895700847864683,
  c: [0.8262524402954183, 0.011350073845486393, 0.01135007384548638, 0.9072800777417714],
};

import * as tune from '../../src';
import { describeSamplerContract } from '../../src/testing';

const { NSGAIISampler } = tune.samplers;
const quiet = { logger: tune.logging.silentLogger };

describeSamplerContract('NSGAIISampler', (seed) => new NSGAIISampler({ seed, populationSize: 6 }));
describeSamplerContract(
  'NSGAIISampler SBX, constrained',
  (seed) => new NSGAIISampler({ seed, populationSize: 6, crossover: 'sbx', constraintsFunc: () => [0] }),
);

/** ZDT1 with 3 variables: front f2 = 1 - sqrt(f1) at x2 = x3 = 0. */
function zdt1(t: tune.Trial): number[] {
  const x = [0, 1, 2].map((i) => t.suggestFloat(`x${i}`, 0, 1));
  const g = 1 + (9 * ((x[1] as number) + (x[2] as number))) / 2;
  const f1 = x[0] as number;
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

async function run(sampler: tune.samplers.Sampler, nTrials: number, objective = zdt1): Promise<tune.Study> {
  const study = await tune.createStudy({ directions: ['minimize', 'minimize'], sampler, seed: 3, ...quiet });
  await study.optimize(objective, { nTrials });
  return study;
}

describe('NSGAIISampler', () => {
  it('refuses bad options, naming the field', () => {
    expect(() => new NSGAIISampler({ populationSize: 1 })).toThrow(/NSGAIISampler populationSize/);
    expect(() => new NSGAIISampler({ populationSize: 2, crossover: 'undx' })).toThrow(/takes 3 parents/);
    expect(() => new NSGAIISampler({ crossoverProb: 1.5 })).toThrow(/NSGAIISampler crossoverProb/);
    expect(() => new NSGAIISampler({ crossover: 'blx' as never })).toThrow(/"blxAlpha"/);
    expect(() => new NSGAIISampler({ populationSize: 10, typo: 1 } as never)).toThrow(/options.typo/);
  });

  it('the same seed gives the same generations; another seed others', async () => {
    const params = async (seed: number): Promise<unknown[]> =>
      (await run(new NSGAIISampler({ seed, populationSize: 10 }), 40)).trials.map((t) => t.params);
    const a = await params(1);
    expect(await params(1)).toEqual(a);
    expect(await params(2)).not.toEqual(a);
  });

  it('breeds from the first generation: with no mutation every gene of a child is some survivor gene', async () => {
    const P = 8;
    const study = await run(new NSGAIISampler({ seed: 5, populationSize: P, mutationProb: 0 }), 2 * P);
    const first = study.trials.slice(0, P);
    for (const child of study.trials.slice(P)) {
      for (const name of ['x0', 'x1', 'x2']) {
        expect(first.map((t) => t.params[name])).toContain(child.params[name]);
      }
    }
  });

  it('gets closer to the ZDT1 front than random search (mean distance g - 1 of the final front)', async () => {
    const gap = (s: tune.Study): number => {
      const front = s.bestTrials.map((t) => (9 * ((t.params['x1'] as number) + (t.params['x2'] as number))) / 2);
      return front.reduce((a, b) => a + b, 0) / front.length;
    };
    const nsga = await run(new NSGAIISampler({ seed: 1, populationSize: 20 }), 300);
    const random = await run(new tune.samplers.RandomSampler({ seed: 1 }), 300);
    expect(gap(nsga)).toBeLessThan(gap(random) / 3);
  });

  it('every crossover runs on a mixed space (int, log, step, categorical) and stays inside it', async () => {
    for (const crossover of ['uniform', 'blxAlpha', 'sbx', 'vsbx', 'undx', 'spx'] as const) {
      const study = await run(new NSGAIISampler({ seed: 2, populationSize: 6, crossover }), 24, (t) => {
        const lr = t.suggestFloat('lr', 1e-4, 1, { log: true });
        const units = t.suggestInt('units', 1, 9, { step: 2 });
        const w = t.suggestFloat('w', -1, 1, { step: 0.25 });
        const act = t.suggestCategorical('act', ['relu', 'tanh', 'gelu']);
        return [Math.abs(Math.log10(lr) + 2) + w * w, units + (act === 'relu' ? 0 : 1)];
      });
      expect(study.trials.filter((t) => t.state === 'COMPLETE')).toHaveLength(24);
      for (const t of study.trials) {
        expect([1, 3, 5, 7, 9]).toContain(t.params['units']);
        expect(((t.params['w'] as number) + 1) / 0.25).toBeCloseTo(
          Math.round(((t.params['w'] as number) + 1) / 0.25),
          9,
        );
      }
    }
  });
});

describe('constraints', () => {
  /** Feasible only for f1 >= 0.5: x0 < 0.5 violates by 0.5 - x0. */
  const constraintsFunc = (t: tune.FrozenTrial): number[] => [0.5 - (t.params['x0'] as number)];

  it('records each trial`s constraints as the system attribute `constraints` and keeps infeasible ones out of bestTrials', async () => {
    const study = await run(new NSGAIISampler({ seed: 4, populationSize: 10, constraintsFunc }), 60);
    for (const t of study.trials) {
      expect(t.systemAttrs['constraints']).toEqual([0.5 - (t.params['x0'] as number)]);
    }
    expect(study.trials.some((t) => (t.params['x0'] as number) < 0.5)).toBe(true);
    expect(study.bestTrials.length).toBeGreaterThan(0);
    for (const t of study.bestTrials) expect(t.params['x0'] as number).toBeGreaterThanOrEqual(0.5);
  });

  it('survival prefers feasible trials: later generations are mostly feasible', async () => {
    const study = await run(new NSGAIISampler({ seed: 4, populationSize: 10, constraintsFunc }), 100);
    const feasibleShare = (ts: readonly tune.FrozenTrial[]): number =>
      ts.filter((t) => (t.params['x0'] as number) >= 0.5).length / ts.length;
    expect(feasibleShare(study.trials.slice(80))).toBeGreaterThan(0.8);
  });

  it('bestTrial of a single-objective study skips infeasible trials; none feasible is an error', async () => {
    const study = await tune.createStudy({
      sampler: new NSGAIISampler({ seed: 1, populationSize: 4, constraintsFunc: (t) => [t.params['x'] as number] }),
      seed: 1,
      ...quiet,
    });
    await study.optimize((t) => t.suggestFloat('x', -1, 1), { nTrials: 20 });
    expect(study.bestTrial.params['x'] as number).toBeLessThanOrEqual(0);
    expect(study.bestValue).toBe(Math.min(...study.trials.map((t) => t.value as number)));
    const none = await tune.createStudy({
      sampler: new NSGAIISampler({ seed: 1, populationSize: 4, constraintsFunc: () => [1] }),
      ...quiet,
    });
    await none.optimize((t) => t.suggestFloat('x', -1, 1), { nTrials: 3 });
    expect(() => none.bestTrial).toThrow(/no feasible completed trials/);
    expect(none.bestTrials).toEqual([]);
  });

  it('a constraintsFunc that throws or returns NaN fails the trial, with the reason', async () => {
    const bad = [
      () => {
        throw new Error('boom');
      },
      () => [NaN],
    ];
    for (const constraintsFunc of bad) {
      const study = await run(new NSGAIISampler({ seed: 1, constraintsFunc }), 1);
      const t = study.trials[0] as tune.FrozenTrial;
      expect(t.state).toBe('FAIL');
      expect(t.systemAttrs['fail_reason']).toMatch(/constraintsFunc/);
    }
  });
});

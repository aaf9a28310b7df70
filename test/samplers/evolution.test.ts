import * as tune from '../../src';
import type { EvolutionSamplerOptions } from '../../src/samplers/evolution/options';
import { EvolutionSampler } from '../../src/samplers/evolution/sampler';
import { describeSamplerContract } from '../../src/testing';
import { median, runStudy } from './helpers';

describeSamplerContract('EvolutionSampler', (seed) => new EvolutionSampler({ seed }));
describeSamplerContract(
  'EvolutionSampler roulette, population 6',
  (seed) => new EvolutionSampler({ seed, populationSize: 6, selection: 'roulette', mutationRate: 0.3 }),
);

/** Int, log float and categorical; optimum 0 at units = 100, lr = 10^-2.5, act = 'gelu', depth = 3. */
const mixed = (t: tune.Trial): number =>
  Math.abs(Math.log10(t.suggestFloat('lr', 1e-5, 1, { log: true })) + 2.5) +
  Math.abs(t.suggestInt('units', 8, 512, { log: true }) - 100) / 100 +
  Math.abs(t.suggestInt('depth', 1, 10) - 3) / 2 +
  (t.suggestCategorical('act', ['relu', 'tanh', 'gelu', 'sigmoid']) === 'gelu' ? 0 : 1);

const ACT = ['relu', 'tanh', 'gelu', 'sigmoid'];
/**
 * Three log floats, three ints, two categoricals (optimum 0): enough genes that random search
 * rarely gets all of them right at once, which is where recombining good parents pays.
 */
const mixed8 = (t: tune.Trial): number => {
  let s = 0;
  for (let i = 0; i < 3; i++) s += Math.abs(Math.log10(t.suggestFloat(`lr${i}`, 1e-5, 1, { log: true })) + 1 + i);
  for (let i = 0; i < 3; i++) s += Math.abs(t.suggestInt(`n${i}`, 0, 20) - 4 * (i + 1)) / 4;
  for (let i = 0; i < 2; i++) s += t.suggestCategorical(`c${i}`, ACT) === ACT[i + 1] ? 0 : 1;
  return s;
};

describe('EvolutionSampler', () => {
  it('beats random search on a mixed problem (int, log float, categorical) at 100 trials, median over 7 seeds', async () => {
    const ga: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 7; seed++) {
      ga.push((await runStudy(new EvolutionSampler({ seed }), mixed8, 100)).bestValue);
      random.push((await runStudy(new tune.samplers.RandomSampler({ seed }), mixed8, 100)).bestValue);
    }
    expect(median(ga)).toBeLessThan(0.8 * median(random));
  });

  it.each(['minimize', 'maximize'] as const)(
    'elitism (%s): each generation starts by re-running the best parameters found before it',
    async (direction) => {
      const sign = direction === 'minimize' ? 1 : -1;
      const size = 8;
      const study = await runStudy(
        new EvolutionSampler({ seed: 3, populationSize: size, elitism: 2 }),
        (t) => sign * mixed(t),
        5 * size,
        { direction },
      );
      const trials = study.trials;
      for (let g = 1; g < 5; g++) {
        const seen = new Set<string>();
        // Best first, one trial per parameter set (elite re-runs repeat their parent's parameters).
        const earlier = trials
          .slice(0, g * size)
          .sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number)
          .filter((t) => !seen.has(JSON.stringify(t.params)) && seen.add(JSON.stringify(t.params)));
        expect(trials[g * size]?.params).toEqual(earlier[0]?.params);
        expect(trials[g * size + 1]?.params).toEqual(earlier[1]?.params);
        expect(earlier[1]?.params).not.toEqual(earlier[0]?.params);
      }
    },
  );

  it('draws generation 0 at random and later genes from parents, reproducibly by seed and trial number', async () => {
    const a = await runStudy(
      new EvolutionSampler({ seed: 9, populationSize: 5, elitism: 0, mutationRate: 0 }),
      mixed,
      15,
    );
    const random = await runStudy(new tune.samplers.RandomSampler({ seed: 9 }), mixed, 5);
    expect(a.trials.slice(0, 5).map((t) => t.params)).toEqual(random.trials.map((t) => t.params));
    // Without mutation every later gene is some parent's gene.
    for (const t of a.trials.slice(5)) {
      const start = Math.floor(t.number / 5) * 5;
      for (const [name, v] of Object.entries(t.params)) {
        expect(a.trials.slice(0, start).some((p) => p.params[name] === v)).toBe(true);
      }
    }
  });

  it('rejects bad options', () => {
    const bad: EvolutionSamplerOptions[] = [
      { populationSize: 1 },
      { selection: 'rank' as 'roulette' },
      { tournamentSize: 0 },
      { crossoverRate: 1.5 },
      { mutationRate: -0.1 },
      { mutationScale: 0 },
      { elitism: 30 },
      { crossover: 'one-point' as 'uniform' },
      { popSize: 3 } as unknown as EvolutionSamplerOptions,
    ];
    for (const options of bad) expect(() => new EvolutionSampler(options)).toThrow(tune.errors.InvalidArgumentError);
  });
});

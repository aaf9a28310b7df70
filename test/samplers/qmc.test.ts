import * as tune from '../../src';
import { QMCSampler } from '../../src/samplers/qmc';
import { HaltonEngine } from '../../src/samplers/qmc/halton';
import { SobolEngine } from '../../src/samplers/qmc/sobol';
import { SOBOL_MAX_DIM } from '../../src/samplers/qmc/sobol-directions';
import { fromUnit } from '../../src/samplers/qmc/unit-transform';
import { describeSamplerContract } from '../../src/testing';

const quiet = { logger: tune.logging.silentLogger };

describeSamplerContract('QMCSampler sobol', (seed) => new QMCSampler({ seed }));
describeSamplerContract('QMCSampler halton', (seed) => new QMCSampler({ seed, qmcType: 'halton' }));

/** Each of the first `n` coordinates in dimension d falls in its own cell of width 1/n. */
function stratified(points: Float64Array[], d: number, cells: number): boolean {
  const seen = new Set(points.slice(0, cells).map((p) => Math.floor((p[d] as number) * cells)));
  return seen.size === cells;
}

describe('Sobol engine', () => {
  it('matches scipy.stats.qmc.Sobol(scramble=False) (Joe–Kuo 6.21201 directions), all 53 dimensions', () => {
    const e = new SobolEngine(null);
    const dims = [0, 1, 2, 9, 39, 52];
    const at = (i: number): number[] => dims.map((d) => e.point(i, SOBOL_MAX_DIM)[d] as number);
    expect(SOBOL_MAX_DIM).toBe(53);
    expect(at(1)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(at(2)).toEqual([0.75, 0.25, 0.25, 0.75, 0.25, 0.75]);
    expect(at(7)).toEqual([0.125, 0.625, 0.375, 0.875, 0.125, 0.375]);
    expect(at(100)).toEqual([0.4140625, 0.2578125, 0.7734375, 0.6953125, 0.1328125, 0.0703125]);
    expect(at(1023)).toEqual([0.0009765625, 0.7529296875, 0.6123046875, 0.8505859375, 0.6982421875, 0.6591796875]);
    let sum = 0;
    for (let i = 0; i < 1024; i++) for (const v of e.point(i, SOBOL_MAX_DIM)) sum += v;
    expect(sum).toBe(27109.5); // np.sum(qmc.Sobol(53, scramble=False).random(1024))
  });

  it('scrambled: still one point per cell in every dimension, and a (0, m, 2)-net in the first two', () => {
    const root = new tune.Rng(11);
    const e = new SobolEngine((d) => root.derive(d));
    const pts = Array.from({ length: 64 }, (_, i) => e.point(i, SOBOL_MAX_DIM));
    for (let d = 0; d < SOBOL_MAX_DIM; d++) expect(stratified(pts, d, 64)).toBe(true);
    for (let a = 0; a <= 6; a++) {
      const boxes = new Set(
        pts.map((p) => `${Math.floor((p[0] as number) * 2 ** a)},${Math.floor((p[1] as number) * 2 ** (6 - a))}`),
      );
      expect(boxes.size).toBe(64);
    }
    expect(pts[0]?.[0]).not.toBe(0);
  });

  it('scrambles by seed, reproducibly, and each dimension independently of how many are asked', () => {
    const make = (seed: number): SobolEngine => {
      const root = new tune.Rng(seed);
      return new SobolEngine((d) => root.derive(d));
    };
    expect(Array.from(make(1).point(5, 3))).toEqual(Array.from(make(1).point(5, 3)));
    expect(Array.from(make(1).point(5, 3))).not.toEqual(Array.from(make(2).point(5, 3)));
    expect(Array.from(make(1).point(5, 8).subarray(0, 3))).toEqual(Array.from(make(1).point(5, 3)));
    expect(() => make(1).point(0, SOBOL_MAX_DIM + 1)).toThrow(/dims/);
  });
});

describe('Halton engine', () => {
  it('matches scipy.stats.qmc.Halton(scramble=False)', () => {
    const h = new HaltonEngine(null);
    expect(Array.from(h.point(1, 5))).toEqual([0.5, 1 / 3, 0.2, 0.14285714285714285, 0.09090909090909091]);
    expect(Array.from(h.point(7, 5))).toEqual([
      0.875, 0.5555555555555556, 0.44, 0.02040816326530612, 0.6363636363636364,
    ]);
  });

  it('scrambled: digit permutations keep one point per cell of each base', () => {
    const root = new tune.Rng(3);
    const h = new HaltonEngine((d) => root.derive(d));
    const pts = Array.from({ length: 125 }, (_, i) => h.point(i, 3));
    expect(stratified(pts, 0, 64)).toBe(true);
    expect(stratified(pts, 1, 81)).toBe(true);
    expect(stratified(pts, 2, 125)).toBe(true);
    for (const p of pts) for (const v of p) expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('unit-interval transforms', () => {
  const share = (dist: tune.distributions.Distribution, n = 1000): Map<tune.distributions.ParamValue, number> => {
    const counts = new Map<tune.distributions.ParamValue, number>();
    for (let i = 0; i < n; i++) {
      const v = fromUnit(dist, (i + 0.5) / n);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return counts;
  };

  it('gives every grid point and every choice an equal share', () => {
    expect([...share(new tune.distributions.IntDistribution(0, 3)).values()]).toEqual([250, 250, 250, 250]);
    expect([...share(new tune.distributions.FloatDistribution(0, 1, false, 0.25)).values()]).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect([...share(new tune.distributions.CategoricalDistribution(['a', null, true, 4])).keys()]).toEqual([
      'a',
      null,
      true,
      4,
    ]);
    expect([...share(new tune.distributions.CategoricalDistribution(['a', null, true, 4])).values()]).toEqual([
      250, 250, 250, 250,
    ]);
  });

  it('log scales: log-uniform floats; log ints on cells [k - 0.5, k + 0.5] in log space', () => {
    const f = new tune.distributions.FloatDistribution(1e-4, 1, true);
    expect(fromUnit(f, 0)).toBeCloseTo(1e-4, 12);
    expect(fromUnit(f, 0.5)).toBeCloseTo(1e-2, 12);
    const counts = share(new tune.distributions.IntDistribution(1, 100, true), 10000);
    expect(counts.get(1)).toBeGreaterThan(counts.get(100) ?? Infinity);
    expect(fromUnit(new tune.distributions.IntDistribution(1, 100, true), 0.999999)).toBe(100);
  });
});

describe('QMCSampler', () => {
  const xy = (t: tune.Trial): number => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1);

  it('gives trial i point i of the sequence once the space is known; trial 0 is random', async () => {
    const sampler = new QMCSampler({ seed: 4 });
    const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
    await study.optimize(xy, { nTrials: 9 });
    const root = new tune.Rng(4).derive('qmc', 'sobol');
    const engine = new SobolEngine((d) => root.derive(d));
    for (const t of study.trials.slice(1)) {
      const u = engine.point(t.number, 2);
      expect([t.params['x'], t.params['y']]).toEqual([u[0], u[1]]);
    }
  });

  it('covers the square more evenly than random search: no empty cell of an 8 x 8 grid in 128 trials', async () => {
    const empty = async (sampler: tune.samplers.Sampler): Promise<number> => {
      const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
      await study.optimize(xy, { nTrials: 128 });
      const cells = new Set(
        study.trials.map(
          (t) => `${Math.floor((t.params['x'] as number) * 8)},${Math.floor((t.params['y'] as number) * 8)}`,
        ),
      );
      return 64 - cells.size;
    };
    expect(await empty(new QMCSampler({ seed: 1 }))).toBe(0);
    expect(await empty(new tune.samplers.RandomSampler({ seed: 1 }))).toBeGreaterThan(2);
  });

  it('draws the same points at any concurrency once the first trial has completed', async () => {
    const run = async (concurrency: number): Promise<unknown[]> => {
      const study = await tune.createStudy({
        sampler: new QMCSampler({ seed: 2, qmcType: 'halton' }),
        seed: 0,
        ...quiet,
      });
      await study.optimize(xy, { nTrials: 1 });
      await study.optimize(
        async (t) => {
          const v = xy(t);
          await new Promise((r) => setTimeout(r, (t.number * 5) % 3));
          return v;
        },
        { nTrials: 16, concurrency },
      );
      return study.trials.map((t) => t.params);
    };
    expect(await run(4)).toEqual(await run(1));
  });

  it('models at most 53 parameters jointly with Sobol; the rest are random', async () => {
    const sampler = new QMCSampler({ seed: 1 });
    const study = await tune.createStudy({ sampler, seed: 0, ...quiet });
    const names = Array.from({ length: 60 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    await study.optimize((t) => names.reduce((s, n) => s + t.suggestFloat(n, 0, 1), 0), { nTrials: 3 });
    expect(Object.keys(sampler.inferRelativeSearchSpace(study))).toEqual(names.slice(0, 53));
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('refuses bad options', () => {
    expect(() => new QMCSampler({ qmcType: 'lhs' as never })).toThrow(/qmcType/);
    expect(() => new QMCSampler({ scramble: 'yes' as never })).toThrow(/scramble/);
    expect(() => new QMCSampler({ sobol: true } as never)).toThrow(/options\.sobol/);
  });
});

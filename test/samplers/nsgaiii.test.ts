import * as tune from '../../src';
import { nichingElite } from '../../src/samplers/nsgaiii/niching';
import { associate, dasDennisPoints, normalizeObjectives } from '../../src/samplers/nsgaiii/reference-points';
import { describeSamplerContract } from '../../src/testing';
import { FrozenTrial } from '../../src/trial/frozen-trial';

const { NSGAIIISampler } = tune.samplers;
const quiet = { logger: tune.logging.silentLogger };

describeSamplerContract('NSGAIIISampler', (seed) => new NSGAIIISampler({ seed, populationSize: 6 }));

function trial(number: number, values: number[]): FrozenTrial {
  return new FrozenTrial({
    trialId: number,
    number,
    state: 'COMPLETE',
    values,
    params: {},
    distributions: {},
    intermediateValues: new Map(),
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: null,
    datetimeComplete: null,
  });
}

describe('NSGA-III building blocks', () => {
  it('Das–Dennis points: C(p + m - 1, m - 1) distinct vectors of integers summing to p', () => {
    const pts = dasDennisPoints(3, 3);
    expect(pts).toHaveLength(10);
    expect(new Set(pts.map((p) => p.join())).size).toBe(10);
    for (const p of pts) expect(p.reduce((a, b) => a + b, 0)).toBe(3);
    expect(dasDennisPoints(2, 4)).toHaveLength(5);
    expect(dasDennisPoints(4, 2)).toHaveLength(10);
  });

  it('normalisation maps the extreme points of a front onto the unit intercepts', () => {
    const front = [
      [2, 10],
      [4, 6],
      [6, 4],
      [10, 2],
    ].map((p) => Float64Array.from(p));
    const n = normalizeObjectives(front);
    // Ideal point (2, 2); extremes (0, 8) and (8, 0): both axes divided by 8.
    expect(Array.from(n[0] as Float64Array)).toEqual([0, 1]);
    expect(Array.from(n[1] as Float64Array)).toEqual([0.25, 0.5]);
    expect(Array.from(n[3] as Float64Array)).toEqual([1, 0]);
  });

  it('associates each point with its nearest reference line', () => {
    const refs = dasDennisPoints(2, 2); // (2, 0), (1, 1), (0, 2)
    const pts = [
      [0.9, 0.1],
      [0.5, 0.45],
      [0, 1],
    ].map((p) => Float64Array.from(p));
    const { nearest, distance } = associate(pts, refs);
    expect(Array.from(nearest)).toEqual([0, 1, 2]);
    expect(distance[2]).toBeCloseTo(0, 12);
    expect(distance[0]).toBeCloseTo(0.1, 12);
  });

  it('niching takes the last front`s trial nearest an empty reference direction, not an end of the front', () => {
    // Front 0: one trial at each axis. Front 1 (all dominated by trial 1): after normalisation
    // trial 2 lies near the f2 axis, 3 near the diagonal, 4 and 5 near the f1 axis. The diagonal
    // has no survivor yet, so 3 survives (crowding distance would take an end, 2 or 5).
    const population = [
      trial(0, [0, 1]),
      trial(1, [0.1, 0.7]),
      trial(2, [0.12, 3]),
      trial(3, [0.3, 1.2]),
      trial(4, [2, 0.8]),
      trial(5, [3, 0.75]),
    ];
    const refs = dasDennisPoints(2, 2);
    const picked = nichingElite(population, ['minimize', 'minimize'], 3, false, refs, new tune.Rng(1));
    expect(picked.map((t) => t.number)).toEqual([0, 1, 3]);
  });
});

describe('NSGAIIISampler', () => {
  /** DTLZ2 with 5 variables: the front is the unit sphere's positive octant (g = 0 at x3..x5 = 0.5). */
  function dtlz2(t: tune.Trial): number[] {
    const x = [0, 1, 2, 3, 4].map((i) => t.suggestFloat(`x${i}`, 0, 1));
    const g = x.slice(2).reduce((s, v) => s + (v - 0.5) ** 2, 0);
    const a = ((x[0] as number) * Math.PI) / 2;
    const b = ((x[1] as number) * Math.PI) / 2;
    return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
  }
  const run = async (sampler: tune.samplers.Sampler, n: number): Promise<tune.Study> => {
    const study = await tune.createStudy({
      directions: ['minimize', 'minimize', 'minimize'],
      sampler,
      seed: 2,
      ...quiet,
    });
    await study.optimize(dtlz2, { nTrials: n });
    return study;
  };
  const hv = (s: tune.Study): number =>
    tune.analysis.hypervolume(
      s.bestTrials.map((t) => t.values as number[]),
      [1.1, 1.1, 1.1],
    );

  it('refuses bad options, naming the field', () => {
    expect(() => new NSGAIIISampler({ dividingParameter: 0 })).toThrow(/NSGAIIISampler dividingParameter/);
    expect(() => new NSGAIIISampler({ referencePoints: [[1, 0], [1]] })).toThrow(/NSGAIIISampler referencePoints/);
    expect(() => new NSGAIIISampler({ populationSize: 1 })).toThrow(/NSGAIIISampler populationSize/);
  });

  it('is reproducible with a seed, and beats random search on DTLZ2 (hypervolume)', async () => {
    const make = (): tune.samplers.Sampler => new NSGAIIISampler({ seed: 3, populationSize: 20 });
    const a = await run(make(), 200);
    const b = await run(make(), 200);
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
    const random = await run(new tune.samplers.RandomSampler({ seed: 3 }), 200);
    expect(hv(a)).toBeGreaterThan(hv(random));
  });

  it('reference points whose length is not the number of objectives are refused at the first generation', async () => {
    const sampler = new NSGAIIISampler({
      seed: 1,
      populationSize: 4,
      referencePoints: [
        [1, 0],
        [0, 1],
      ],
    });
    await expect(run(sampler, 5)).rejects.toThrow(/NSGAIIISampler referencePoints.*rows of 3 values/);
  });
});

import { localCandidates } from '../../src/gp/local-candidates';
import { SearchSpaceEncoding } from '../../src/gp/search-space-encoding';
import { Rng } from '../../src/random/rng';
import { CategoricalDistribution, FloatDistribution, IntDistribution } from '../../src/space/distributions';

describe('localCandidates', () => {
  const encoding = new SearchSpaceEncoding({
    c: new CategoricalDistribution(['a', 'b', 'c']),
    n: new IntDistribution(1, 10),
    u: new FloatDistribution(0, 1),
    v: new FloatDistribution(-5, 5),
  });
  const observed = [
    encoding.encode({ c: 'a', n: 2, u: 0.1, v: 0 }),
    encoding.encode({ c: 'b', n: 7, u: 0.9, v: 4 }),
    encoding.encode({ c: 'c', n: 5, u: 0.5, v: -4 }),
  ] as Float64Array[];
  const values = [1, 3, 2];

  it('stays in the cube with one choice per categorical, near the best points, and is reproducible', () => {
    const out = localCandidates(encoding, observed, values, new Rng(1), { nBest: 2, count: 300 });
    expect(out).toHaveLength(300);
    const again = localCandidates(encoding, observed, values, new Rng(1), { nBest: 2, count: 300 });
    expect(again.map((x) => Array.from(x))).toEqual(out.map((x) => Array.from(x)));
    let nearBest = 0;
    for (const x of out) {
      for (const v of x) expect(v >= 0 && v <= 1).toBe(true);
      expect((x[0] as number) + (x[1] as number) + (x[2] as number)).toBe(1);
      // Every candidate derives from one of the two best points (values 3 and 2), never from the worst:
      // no numeric column keeps the worst point's value (the points differ in every column).
      for (const col of [3, 4, 5]) expect(x[col]).not.toBe((observed[0] as Float64Array)[col]);
      const changed = Array.from(x).filter((v, i) => v !== (observed[1] as Float64Array)[i]).length;
      if (changed <= 3) nearBest++;
    }
    // Subsets of every size: many candidates move only some of the four parameters of the best point.
    expect(nearBest).toBeGreaterThan(50);
  });

  it('moves by small and large steps alike', () => {
    const out = localCandidates(encoding, observed, values, new Rng(2), { nBest: 1, count: 400 });
    const steps = out.map((x) => Math.abs((x[4] as number) - 0.9)).filter((d) => d > 0);
    expect(steps.some((d) => d < 0.01)).toBe(true);
    expect(steps.some((d) => d > 0.1)).toBe(true);
  });
});

import { InvalidArgumentError } from '../../src/errors';
import { Rng } from '../../src/random/rng';
import { CategoricalDistribution, FloatDistribution, IntDistribution } from '../../src/space/distributions';
import type { Distribution, ParamValue } from '../../src/space/distributions';
import { explore } from '../../src/schedulers/pbt/explore';
import { quantiles } from '../../src/schedulers/pbt/quantiles';

/** Explores `start` 400 times in a chain (each result the next input) and returns every value seen. */
function chain(distribution: Distribution, start: ParamValue, seed = 0): ParamValue[] {
  const rng = new Rng(seed);
  const seen: ParamValue[] = [];
  let params: Record<string, ParamValue> = { p: start, fixed: 'keep' };
  for (let i = 0; i < 400; i++) {
    const out = explore(params, { p: distribution }, rng);
    expect(out.params.fixed).toBe('keep');
    params = out.params;
    seen.push(params.p as ParamValue);
  }
  return seen;
}

describe('PBT explore stays inside every distribution', () => {
  it('float: clipped to the bounds, and both ends are reached', () => {
    const d = new FloatDistribution(0.1, 0.9);
    const seen = chain(d, 0.5) as number[];
    expect(seen.every((v) => d.containsInternal(v))).toBe(true);
    expect(seen).toContain(0.9);
    expect(seen).toContain(0.1);
  });

  it('float with a step: every value on the grid', () => {
    const d = new FloatDistribution(0, 1, false, 0.25);
    const seen = chain(d, 0.5) as number[];
    expect(seen.every((v) => d.containsInternal(v))).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(2);
  });

  it('log float: multiplied (a shift in log space), within bounds', () => {
    const d = new FloatDistribution(1e-4, 1e-1, true);
    const rng = new Rng(3);
    const out = explore({ lr: 1e-2 }, { lr: d }, rng, { resampleProbability: 0 });
    const change = out.changes[0]!;
    expect(change.how).toBe('perturb');
    expect(out.params.lr).toBeCloseTo(1e-2 * change.by!, 12);
    expect((chain(d, 1e-2) as number[]).every((v) => d.containsInternal(v))).toBe(true);
  });

  it('int: integers on the step grid, and small values do not get stuck', () => {
    const d = new IntDistribution(1, 9, false, 2);
    const seen = chain(d, 3, 1) as number[];
    expect(seen.every((v) => d.containsInternal(v))).toBe(true);
    // 3 · 1.2 = 3.6 would round back to 3: the perturbation moves one step instead.
    const rng = new Rng(0);
    for (let i = 0; i < 20; i++) {
      const out = explore({ n: 3 }, { n: d }, rng, { resampleProbability: 0 });
      expect(out.params.n).toBe(out.changes[0]!.by! > 1 ? 5 : 1);
    }
  });

  it('log int: within bounds and integer', () => {
    const d = new IntDistribution(8, 512, true);
    expect((chain(d, 64, 2) as number[]).every((v) => d.containsInternal(v))).toBe(true);
  });

  it('categorical: a neighbour in list order, or a resample', () => {
    const d = new CategoricalDistribution(['sgd', 'momentum', 'adam', 'rmsprop']);
    const rng = new Rng(5);
    for (let i = 0; i < 50; i++) {
      const out = explore({ opt: 'sgd' }, { opt: d }, rng, { resampleProbability: 0 });
      expect(out.params.opt).toBe('momentum'); // the only neighbour of the first choice
    }
    const seen = chain(d, 'adam');
    expect(seen.every((v) => d.choices.includes(v as string))).toBe(true);
    expect(new Set(seen).size).toBe(4);
  });

  it('a zero moves (no factor would move it by multiplication)', () => {
    const d = new FloatDistribution(0, 1);
    const out = explore({ h: 0 }, { h: d }, new Rng(1), { resampleProbability: 0, perturbationFactors: [1.2] });
    expect(out.params.h).toBeCloseTo(0.2, 12);
  });

  it('records every change with before and after', () => {
    const d = new FloatDistribution(0, 10);
    const out = explore({ a: 5, b: 5 }, { b: d, a: d }, new Rng(9), { resampleProbability: 1 });
    expect(out.changes.map((c) => c.name)).toEqual(['a', 'b']);
    expect(out.changes.every((c) => c.how === 'resample' && c.before === 5)).toBe(true);
  });

  it('the same seed gives the same result', () => {
    const d = new FloatDistribution(1e-4, 1, true);
    const a = explore({ lr: 0.01 }, { lr: d }, new Rng(7));
    const b = explore({ lr: 0.01 }, { lr: d }, new Rng(7));
    expect(a).toEqual(b);
  });

  it('refuses bad options and missing values, naming the field', () => {
    const d = new FloatDistribution(0, 1);
    expect(() => explore({ p: 0.5 }, { p: d }, new Rng(0), { resampleProbability: 2 })).toThrow(/resampleProbability/);
    expect(() => explore({ p: 0.5 }, { p: d }, new Rng(0), { perturbationFactors: [] })).toThrow(/perturbationFactors/);
    expect(() => explore({}, { p: d }, new Rng(0))).toThrow(InvalidArgumentError);
  });
});

describe('PBT quantiles', () => {
  it('ceil(n·q) members at each end, and none for a lone member', () => {
    const members = [5, 1, 4, 2, 3, 0, 7, 6].map((score, id) => ({ id, score }));
    const { bottom, top } = quantiles(members, 0.25, new Rng(0));
    expect(bottom.sort()).toEqual([1, 5]);
    expect(top.sort()).toEqual([6, 7]);
    expect(quantiles([{ id: 0, score: 1 }], 0.25, new Rng(0))).toEqual({ bottom: [], top: [] });
    expect(() => quantiles(members, 0.6, new Rng(0))).toThrow(/quantileFraction/);
  });

  it('breaks ties at random, so no member loses every tie', () => {
    const members = [0, 1, 2, 3].map((id) => ({ id, score: 1 }));
    const rng = new Rng(0);
    const losers = new Set<number>();
    for (let i = 0; i < 40; i++) losers.add(quantiles(members, 0.25, rng).bottom[0]!);
    expect(losers.size).toBe(4);
  });

  it('ignores members without a score yet', () => {
    const members = [
      { id: 0, score: Number.NaN },
      { id: 1, score: 2 },
      { id: 2, score: 1 },
    ];
    expect(quantiles(members, 0.5, new Rng(0))).toEqual({ bottom: [2], top: [1] });
  });
});

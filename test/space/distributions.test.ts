import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  distributionFromJson,
  distributionsCompatible,
} from '../../src/space/distributions';
import { sampleUniform } from '../../src/space/sample-uniform';
import { Rng } from '../../src/random/rng';
import { InvalidArgumentError } from '../../src/errors';

describe('distributions: validation names the parameter and the rule', () => {
  it.each([
    [() => new FloatDistribution(2, 1, false, null, 'lr'), /lr\.low.*low <= high/],
    [() => new FloatDistribution(0, 1, true, null, 'lr'), /lr\.low.*low > 0 when log/],
    [() => new FloatDistribution(1e-3, 1, true, 0.1, 'lr'), /lr\.step.*log and step cannot be combined/],
    [() => new FloatDistribution(0, 1, false, 0.3, 'dropout'), /dropout\.step.*divides/],
    [() => new FloatDistribution(0, 1, false, -0.5, 'dropout'), /dropout\.step.*positive/],
    [() => new IntDistribution(1, 10, false, 4, 'units'), /units\.step.*divides/],
    [() => new IntDistribution(0, 10, true, 1, 'units'), /units\.low.*low > 0/],
    [() => new IntDistribution(1.5, 10, false, 1, 'units'), /units\.low.*integer/],
    [() => new CategoricalDistribution([], 'act'), /act\.choices.*non-empty/],
    [() => new CategoricalDistribution(['relu', 'relu'], 'act'), /act\.choices.*duplicate/],
    [() => new FloatDistribution(NaN, 1, false, null, 'x'), /x\.low.*finite/],
  ])('case %#', (make, message) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('accepts numbers, strings, booleans and null as choices and distinguishes 1 from "1"', () => {
    const d = new CategoricalDistribution([1, '1', true, null]);
    expect(d.toInternal('1')).toBe(1);
    expect(d.toInternal(null)).toBe(3);
    expect(d.toExternal(2)).toBe(true);
  });
});

describe('distributions: JSON round trip', () => {
  it.each([
    new FloatDistribution(1e-4, 1e-1, true),
    new FloatDistribution(0, 1, false, 0.25),
    new IntDistribution(16, 256, false, 16),
    new IntDistribution(1, 1024, true),
    new CategoricalDistribution(['a', 2, false, null]),
  ])('%s', (d) => {
    const back = distributionFromJson(JSON.parse(JSON.stringify(d.toJSON())));
    expect(back.toJSON()).toEqual(d.toJSON());
  });
});

describe('compatibility between trials', () => {
  it('allows a changed range, refuses a changed type, log setting or choices', () => {
    expect(distributionsCompatible(new FloatDistribution(0, 1), new FloatDistribution(0, 2))).toBe(true);
    expect(distributionsCompatible(new FloatDistribution(0.1, 1), new FloatDistribution(0.1, 1, true))).toBe(false);
    expect(distributionsCompatible(new FloatDistribution(0, 1), new IntDistribution(0, 1))).toBe(false);
    expect(distributionsCompatible(new CategoricalDistribution(['a']), new CategoricalDistribution(['a', 'b']))).toBe(
      false,
    );
  });
});

describe('sampleUniform respects every distribution', () => {
  const rng = new Rng(5);
  it.each([
    new FloatDistribution(-3, 2),
    new FloatDistribution(1e-5, 1, true),
    new FloatDistribution(0, 1, false, 0.125),
    new IntDistribution(-4, 9),
    new IntDistribution(1, 1000, true),
    new IntDistribution(16, 256, false, 16),
    new CategoricalDistribution(['x', 1, null]),
  ])('%s', (d) => {
    for (let i = 0; i < 300; i++) {
      const v = sampleUniform(d, rng);
      expect(() => d.toInternal(v)).not.toThrow();
    }
  });

  it('samples log ranges uniformly in log space', () => {
    const d = new FloatDistribution(1e-4, 1, true);
    const xs = Array.from({ length: 2000 }, () => sampleUniform(d, rng) as number);
    const below = xs.filter((x) => x < 1e-2).length / xs.length;
    expect(below).toBeGreaterThan(0.42);
    expect(below).toBeLessThan(0.58);
  });
});

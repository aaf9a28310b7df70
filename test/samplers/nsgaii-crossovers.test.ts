import * as tune from '../../src';

const { UniformCrossover, BLXAlphaCrossover, SBXCrossover, VSBXCrossover, UNDXCrossover, SPXCrossover } = tune.samplers;

const v = (...xs: number[]): Float64Array => Float64Array.from(xs);
const ctx = { nObjectives: 2 };

/** Mean child of `n` crossovers of `parents`. */
function meanChild(c: tune.samplers.Crossover, parents: Float64Array[], n = 4000): Float64Array {
  const rng = new tune.Rng(1);
  const sum = new Float64Array((parents[0] as Float64Array).length);
  for (let k = 0; k < n; k++) {
    const child = c.crossover(parents, rng, ctx);
    child.forEach((x, i) => (sum[i] = (sum[i] as number) + x / n));
  }
  return sum;
}

describe('NSGA-II crossovers', () => {
  it('uniform: every gene from one of the parents; swappingProb 1 keeps the first parent whole', () => {
    const rng = new tune.Rng(2);
    const [a, b] = [v(0.1, 0.2, 0.3, 0.4), v(0.9, 0.8, 0.7, 0.6)];
    for (let k = 0; k < 50; k++) {
      const child = new UniformCrossover().crossover([a, b], rng);
      child.forEach((x, i) => expect([a[i], b[i]]).toContain(x));
    }
    expect(Array.from(new UniformCrossover(1).crossover([a, b], rng))).toEqual(Array.from(a));
    expect(() => new UniformCrossover(2)).toThrow(/UniformCrossover swappingProb/);
  });

  it('BLX-α: each gene uniform on the parents` interval widened by α of its length', () => {
    const rng = new tune.Rng(3);
    const c = new BLXAlphaCrossover(0.5);
    for (let k = 0; k < 200; k++) {
      const [x] = c.crossover([v(0.4), v(0.6)], rng);
      expect(x).toBeGreaterThanOrEqual(0.3);
      expect(x).toBeLessThanOrEqual(0.7);
    }
    expect(meanChild(c, [v(0.4), v(0.6)])[0]).toBeCloseTo(0.5, 2);
  });

  it('SBX keeps children of parents inside the cube inside it, centred on the parents', () => {
    const rng = new tune.Rng(4);
    const c = new SBXCrossover(2);
    for (let k = 0; k < 500; k++) {
      for (const x of c.crossover([v(0.01, 0.5), v(0.2, 0.99)], rng, ctx)) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
    }
    const m = meanChild(new SBXCrossover(), [v(0.4, 0.3), v(0.6, 0.5)]);
    expect(m[0]).toBeCloseTo(0.5, 2);
    expect(m[1]).toBeCloseTo(0.4, 2);
  });

  it('vSBX: children around the parents, reaching beyond them', () => {
    const rng = new tune.Rng(5);
    const c = new VSBXCrossover(2);
    let beyond = 0;
    for (let k = 0; k < 500; k++) {
      const [x] = c.crossover([v(0.4), v(0.6)], rng, ctx);
      if ((x as number) < 0.4 || (x as number) > 0.6) beyond++;
    }
    expect(beyond).toBeGreaterThan(50);
    expect(meanChild(c, [v(0.4), v(0.6)])[0]).toBeCloseTo(0.5, 1);
  });

  it('UNDX: children centred on the first two parents` midpoint, spread across by the third', () => {
    const c = new UNDXCrossover();
    const m = meanChild(c, [v(0.2, 0.5, 0.5), v(0.6, 0.5, 0.5), v(0.4, 0.9, 0.5)]);
    expect(Array.from(m).map((x) => Math.round(x * 100) / 100)).toEqual([0.4, 0.5, 0.5]);
    // Without a third parent off the line, nothing moves across it.
    const rng = new tune.Rng(6);
    const child = c.crossover([v(0.2, 0.5), v(0.6, 0.5), v(0.8, 0.5)], rng, ctx);
    expect(child[1]).toBeCloseTo(0.5, 12);
  });

  it('SPX: children centred on the parents` centroid, inside their simplex expanded by ε', () => {
    const c = new SPXCrossover(1);
    const parents = [v(0.2, 0.2), v(0.8, 0.2), v(0.2, 0.8)];
    const rng = new tune.Rng(7);
    for (let k = 0; k < 300; k++) {
      const [x, y] = c.crossover(parents, rng, ctx) as unknown as [number, number];
      // ε = 1: the simplex itself, x >= 0.2, y >= 0.2, x + y <= 1.
      expect(x).toBeGreaterThanOrEqual(0.2 - 1e-12);
      expect(y).toBeGreaterThanOrEqual(0.2 - 1e-12);
      expect(x + y).toBeLessThanOrEqual(1 + 1e-12);
    }
    const m = meanChild(new SPXCrossover(), parents);
    expect(m[0]).toBeCloseTo(0.4, 2);
    expect(m[1]).toBeCloseTo(0.4, 2);
  });
});

import { rouletteStarts } from '../../src/gp/roulette-starts';
import { Rng } from '../../src/random/rng';

describe('rouletteStarts', () => {
  const scores = Float64Array.from({ length: 200 }, (_, i) => -Math.abs(i - 120) / 10);

  it('puts the best first, draws the rest without repeats, and reproduces under a seed', () => {
    const a = rouletteStarts(scores, 10, new Rng(7));
    expect(a[0]).toBe(120);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(rouletteStarts(scores, 10, new Rng(7))).toEqual(a);
    expect(rouletteStarts(scores, 10, new Rng(8))).not.toEqual(a);
  });

  it('draws by exp(score): points near the best far more often than points well below it', () => {
    let near = 0;
    let far = 0;
    for (let seed = 0; seed < 50; seed++) {
      for (const i of rouletteStarts(scores, 5, new Rng(seed)).slice(1)) {
        if (Math.abs(i - 120) <= 10) near++;
        if (Math.abs(i - 120) >= 60) far++;
      }
    }
    // exp(-1) against at most exp(-6) per point: ~28 % of the mass lies within 10 of the best, ~0.5 % beyond 60.
    expect(near).toBeGreaterThan(5 * far);
  });

  it('never draws non-finite scores, and returns fewer starts when exp underflows everywhere else', () => {
    const s = Float64Array.from([NaN, -Infinity, 0, -1e4, -1e4, -0.5]);
    const out = rouletteStarts(s, 10, new Rng(1));
    expect(out[0]).toBe(2);
    expect(out.slice().sort()).toEqual([2, 5]);
    expect(rouletteStarts(Float64Array.from([NaN, NaN]), 3, new Rng(1))).toEqual([]);
  });
});

import { mannWhitney } from '../../benchmarks/samplers/mann-whitney';

// Expected values from scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic').
describe('mannWhitney (two-sided, normal approximation, tie and continuity corrections)', () => {
  it('matches scipy with ties across the samples', () => {
    const r = mannWhitney([0.5, 1.2, 3.3, 0.1, 2.2, 2.2, 4.0, 0.9], [1.5, 2.2, 5.1, 3.3, 6.0, 4.4, 2.8]);
    expect(r.u).toBe(10.5);
    expect(r.p).toBeCloseTo(0.04813101378106178, 12);
    expect(r.probLower).toBeCloseTo(1 - 10.5 / 56, 12);
  });

  it('matches scipy for interleaved samples (no difference) and separated ones', () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const near = mannWhitney(
      a,
      a.map((x) => x + 0.5),
    );
    expect(near.u).toBe(190);
    expect(near.p).toBeCloseTo(0.7971974192691748, 12);
    const apart = mannWhitney([1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15]);
    expect(apart.u).toBe(0);
    expect(apart.p).toBeCloseTo(0.00811311726556578, 12);
    expect(apart.probLower).toBe(1);
  });

  it('gives p = 1 for identical samples and refuses an empty one', () => {
    expect(mannWhitney([2, 2, 2], [2, 2]).p).toBe(1);
    expect(() => mannWhitney([], [1])).toThrow(/both samples need values; got 0 and 1/);
  });
});

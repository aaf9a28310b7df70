import { fitYeoJohnson, warpOutputs, yeoJohnson } from '../../src/gp/output-warping';
import { lcg } from './helpers';

function skewness(y: ArrayLike<number>): number {
  const xs = Array.from(y);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const m2 = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
  const m3 = xs.reduce((s, v) => s + (v - mean) ** 3, 0) / xs.length;
  return m3 / m2 ** 1.5;
}

describe('yeoJohnson', () => {
  it('is the identity at lambda 1, log1p at 0 and -log1p(-y) at 2', () => {
    for (const y of [-3, -0.5, 0, 0.25, 4]) expect(yeoJohnson(y, 1)).toBeCloseTo(y, 12);
    expect(yeoJohnson(3, 0)).toBeCloseTo(Math.log(4), 12);
    expect(yeoJohnson(-3, 2)).toBeCloseTo(-Math.log(4), 12);
  });

  it('is strictly increasing and continuous at 0 for every lambda', () => {
    for (const lambda of [-3, -1, 0, 0.5, 1, 2, 3.5, 5]) {
      let previous = -Infinity;
      for (let y = -6; y <= 6; y += 0.25) {
        const t = yeoJohnson(y, lambda);
        expect(t).toBeGreaterThan(previous);
        previous = t;
      }
      expect(yeoJohnson(1e-9, lambda)).toBeCloseTo(yeoJohnson(-1e-9, lambda), 8);
    }
  });
});

describe('warpOutputs', () => {
  const next = lcg(11);

  it('leaves roughly normal values alone (up to standardisation)', () => {
    // Sums of uniforms: close to normal, symmetric.
    const y = Array.from({ length: 200 }, () => next() + next() + next() + next() - 2);
    const w = warpOutputs(y);
    expect(Math.abs(w.lambda - 1)).toBeLessThan(0.5);
    expect(Math.abs(skewness(w.values))).toBeLessThan(0.2);
  });

  it('pulls in a heavy lower tail (maximised values of a polynomial far from its optimum) and keeps the order', () => {
    // -exp(N(0, 1.5)): most values near 0, a few orders of magnitude lower.
    const y = Array.from(
      { length: 100 },
      () => -Math.exp(1.5 * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())),
    );
    const w = warpOutputs(y);
    expect(skewness(y)).toBeLessThan(-2);
    expect(w.lambda).toBeGreaterThan(1);
    expect(Math.abs(skewness(w.values))).toBeLessThan(Math.abs(skewness(y)) / 4);
    const byY = Array.from(y.keys()).sort((a, b) => (y[a] as number) - (y[b] as number));
    const byW = Array.from(y.keys()).sort((a, b) => (w.values[a] as number) - (w.values[b] as number));
    expect(byW).toEqual(byY);
    const mean = w.values.reduce((s, v) => s + v, 0) / w.values.length;
    expect(mean).toBeCloseTo(0, 10);
  });

  it('handles constants and tiny inputs', () => {
    expect(Array.from(warpOutputs([2, 2, 2]).values)).toEqual([0, 0, 0]);
    expect(warpOutputs([5]).values.length).toBe(1);
    expect(warpOutputs([1, 2]).lambda).toBe(1);
    expect(Number.isFinite(fitYeoJohnson([0, 0, 0]))).toBe(true);
  });
});

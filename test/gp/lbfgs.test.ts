import { minimizeLBFGS, minimizeLBFGSBatched, type ValueAndGradient } from '../../src/gp/lbfgs';

/** f(x) = sum_i a_i (x_i - c_i)^2 + x_0 x_1: an ill-conditioned quadratic with a known minimiser. */
function quadratic(a: readonly number[], c: readonly number[]): (x: Float64Array) => ValueAndGradient {
  return (x) => {
    let value = (x[0] as number) * (x[1] as number);
    const grad = new Float64Array(x.length);
    x.forEach((xi, i) => {
      value += (a[i] as number) * (xi - (c[i] as number)) ** 2;
      grad[i] = 2 * (a[i] as number) * (xi - (c[i] as number));
    });
    grad[0] = (grad[0] as number) + (x[1] as number);
    grad[1] = (grad[1] as number) + (x[0] as number);
    return { value, grad };
  };
}

describe('minimizeLBFGSBatched', () => {
  const a = [1, 50, 0.2];
  it('finds a quadratic minimum inside the box, and the bound where the minimum lies outside', () => {
    // Interior: the minimiser of 1 (x0 - 0.3)^2 + 50 (x1 - 0.6)^2 + 0.2 (x2 - 0.5)^2 + x0 x1 solves
    // 2 (x0 - 0.3) + x1 = 0 and 100 (x1 - 0.6) + x0 = 0.
    const x1 = (60 - 0.3) / (100 - 0.5);
    const x0 = 0.3 - x1 / 2;
    const inside = quadratic(a, [0.3, 0.6, 0.5]);
    // Outside: c_2 = 3 lies beyond the upper bound 1, so x2 stops at 1.
    const outside = quadratic(a, [0.3, 0.6, 3]);
    const fs = [inside, outside];
    const box = { lower: new Float64Array(3), upper: Float64Array.from([1, 1, 1]), maxIterations: 100, gtol: 1e-9 };
    let calls = 0;
    const results = minimizeLBFGSBatched(
      (xs, searches) => {
        calls++;
        return xs.map((x, k) => (fs[searches[k] as number] as (x: Float64Array) => ValueAndGradient)(x));
      },
      [Float64Array.from([0.9, 0.1, 0.1]), Float64Array.from([0.9, 0.1, 0.1])],
      box,
    );
    const [r0, r1] = results as [(typeof results)[0], (typeof results)[0]];
    expect(r0.x[0]).toBeCloseTo(x0, 5);
    expect(r0.x[1]).toBeCloseTo(x1, 5);
    expect(r0.x[2]).toBeCloseTo(0.5, 5);
    expect(r1.x[2]).toBe(1);
    expect(r1.x[0]).toBeCloseTo(x0, 5);
    // One call per round serves both searches: no more calls than the longer search's evaluations.
    expect(calls).toBe(Math.max(r0.evaluations, r1.evaluations));
    expect(calls).toBeLessThan(r0.evaluations + r1.evaluations);
  });

  it('gives each search the result it gets alone', () => {
    const f = quadratic(a, [0.3, 0.6, 3]);
    const box = { lower: new Float64Array(3), upper: Float64Array.from([1, 1, 1]), maxIterations: 100 };
    const starts = [Float64Array.from([0.9, 0.1, 0.1]), Float64Array.from([0.2, 0.9, 0.7])];
    const batched = minimizeLBFGSBatched((xs) => xs.map(f), starts, box);
    starts.forEach((s, i) => {
      const alone = minimizeLBFGS(f, s, box);
      expect(Array.from(batched[i]?.x ?? [])).toEqual(Array.from(alone.x));
      expect(batched[i]?.evaluations).toBe(alone.evaluations);
    });
  });
});

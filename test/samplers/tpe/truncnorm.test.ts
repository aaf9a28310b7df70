import {
  erfc,
  logGaussMass,
  logNdtr,
  ndtr,
  ndtriExp,
  truncnormLogPdf,
  truncnormPpf,
} from '../../../src/samplers/tpe/truncnorm';

// Reference values from scipy.special / scipy.stats (scipy 1.10).
describe('normal tails (Cody erfc, log-space CDF)', () => {
  it('erfc matches scipy to 1e-14 relative, deep into the tail', () => {
    const ref: [number, number][] = [
      [-1.5, 1.9661051464753108],
      [0.3, 0.6713732405408726],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028516],
      [3, 2.2090496998585445e-5],
      [10, 2.0884875837625446e-45],
      [26, 5.663192408856145e-296],
    ];
    for (const [x, want] of ref) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-14);
  });

  it('log Φ matches scipy.special.log_ndtr where Φ itself under- or overflows', () => {
    const ref: [number, number][] = [
      [-100, -5005.524208694205],
      [-40, -804.6084420137539],
      [-10, -53.23128515051248],
      [-1, -1.841021645009264],
      [0, -0.6931471805599453],
      [2, -0.023012909328963486],
      [10, -7.619853024160473e-24],
    ];
    for (const [z, want] of ref)
      expect(Math.abs(logNdtr(z) - want)).toBeLessThan(1e-13 * Math.max(1, Math.abs(want)) + Math.abs(want) * 1e-12);
    expect(ndtr(0)).toBe(0.5);
  });

  it('ndtriExp inverts log Φ across both tails', () => {
    for (const y of [-5000, -800, -20, -1, -0.1, -1e-6, -1e-12, -1e-200]) {
      const z = ndtriExp(y);
      expect(Math.abs(logNdtr(z) - y)).toBeLessThan(1e-12 * Math.abs(y) + 1e-300);
    }
  });

  it('log Gaussian mass: central, both tails, and tiny intervals', () => {
    expect(logGaussMass(-1, 1)).toBeCloseTo(Math.log(0.6826894921370859), 14);
    expect(logGaussMass(50, 51)).toBeCloseTo(logGaussMass(-51, -50), 10);
    expect(Number.isFinite(logGaussMass(300, 301))).toBe(true);
    const w = 1e-7;
    expect(logGaussMass(0.5, 0.5 + w)).toBeCloseTo(Math.log((w * Math.exp(-0.125)) / Math.sqrt(2 * Math.PI)), 5);
  });
});

describe('truncated normal', () => {
  it('ppf matches scipy.stats.truncnorm.ppf, including intervals far in the tails', () => {
    const ref: [number, number, number, number][] = [
      [0.3, -1, 2, -0.24240381788922707],
      [0.5, 30, 31, 30.023070467827313],
      [0.9, -80, -79, -79.00133345256977],
      [0.25, -0.5, 0.5, -0.2423131324466767],
      [0.7, 3, 50, 3.3493757211574158],
    ];
    for (const [q, a, b, want] of ref) expect(truncnormPpf(q, a, b)).toBeCloseTo(want, 10);
    expect(truncnormPpf(0, -1, 2)).toBe(-1);
  });

  it('log pdf matches scipy.stats.truncnorm.logpdf and is -Infinity outside', () => {
    const ref: [number, number, number, number][] = [
      [0.1, -1, 2, -0.72377223888021],
      [30.5, 30, 31, -11.722694576861329],
      [-79.5, -80, -79, -35.25539198093429],
    ];
    for (const [x, a, b, want] of ref) expect(truncnormLogPdf(x, a, b, logGaussMass(a, b))).toBeCloseTo(want, 9);
    expect(truncnormLogPdf(3, -1, 2, logGaussMass(-1, 2))).toBe(-Infinity);
  });
});

import { Rng } from '../../../src/random/rng';
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  type Distribution,
  type ParamValue,
} from '../../../src/space/distributions';
import { categoricalKernels, numericalKernels, type KernelOptions } from '../../../src/samplers/tpe/kernels';
import { ParzenEstimator, type ParzenOptions } from '../../../src/samplers/tpe/parzen-estimator';
import { parzenDim, toModelSpace, type ParzenDim } from '../../../src/samplers/tpe/transform';
import { defaultWeights } from '../../../src/samplers/tpe/weights';

const kernelOpts: KernelOptions = {
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  // This file pins Optuna 3.5's kernel rules (still reachable); current ones: parity-current.test.ts.
  rules: 'optuna-3.5',
};
const opts: ParzenOptions = { ...kernelOpts, weights: defaultWeights };
const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('kernels (Optuna rules)', () => {
  it('univariate widths: the larger neighbour gap, inward at the ends, magic-clipped, prior last', () => {
    // Sorted with the prior mean: 0.2, 0.5, 0.5(prior), 0.9 inside the ends 0 and 1.
    const { mus, sigmas } = numericalKernels(f64([0.9, 0.2, 0.5]), 0, 1, 0, 1, true, kernelOpts);
    expect(Array.from(mus)).toEqual([0.9, 0.2, 0.5, 0.5]);
    // 0.9: last -> 0.9 - 0.5; 0.2: first -> 0.5 - 0.2; 0.5: max(0.3, 0); clip floor 1 / 5.
    expect(Array.from(sigmas).map((s) => +s.toFixed(12))).toEqual([0.4, 0.3, 0.3, 1]);
    const tight = numericalKernels(f64([0.5, 0.5, 0.5]), 0, 1, 0, 1, true, kernelOpts);
    expect(Math.min(...tight.sigmas)).toBeCloseTo(1 / 5, 12);
  });

  it('grid axes widen by half a step; multivariate widths follow Scott’s rule', () => {
    const grid = numericalKernels(f64([0, 10]), 0, 10, 2, 1, true, kernelOpts);
    expect(grid.sigmas[2]).toBe(12);
    const mv = numericalKernels(f64([1, 2, 3, 4]), 0, 10, 0, 3, true, {
      ...kernelOpts,
      multivariate: true,
      considerMagicClip: false,
    });
    expect(mv.sigmas[0]).toBeCloseTo(0.2 * 4 ** (-1 / 7) * 10, 12);
  });

  it('categorical: +1 on the observed choice over priorWeight / kernels everywhere; prior row uniform', () => {
    const p = categoricalKernels(f64([2, 0]), 3, true, 1);
    const w = 1 / 3;
    expect(Array.from(p.subarray(0, 3))).toEqual(
      [w / (1 + w * 3), w / (1 + w * 3), (1 + w) / (1 + w * 3)].map((v) => v),
    );
    expect(Array.from(p.subarray(6, 9))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('ParzenEstimator', () => {
  const estimator = (obs: number[][], dims: ParzenDim[], o: ParzenOptions = opts): ParzenEstimator =>
    new ParzenEstimator(obs.map(f64), dims, o);

  it('its density integrates to 1 on a continuous axis', () => {
    const pe = estimator([[0, 0.5, 2.5, 2.9, -1.7]], [{ kind: 'numerical', low: -2, high: 3, step: 0 }]);
    const n = 50001;
    const xs = Float64Array.from({ length: n }, (_, i) => -2 + (5 * i) / (n - 1));
    const lp = pe.logPdf([xs], n);
    let integral = 0;
    for (let i = 1; i < n; i++)
      integral += ((Math.exp(lp[i - 1] as number) + Math.exp(lp[i] as number)) / 2) * (5 / (n - 1));
    expect(integral).toBeCloseTo(1, 6);
    expect(pe.logPdf([f64([3.5])], 1)[0]).toBe(-Infinity);
  });

  it('its masses sum to 1 on a grid axis and on a categorical one, and jointly', () => {
    const grid = estimator([[0, 4, 4, 10]], [{ kind: 'numerical', low: 0, high: 10, step: 2 }]);
    const pts = f64([0, 2, 4, 6, 8, 10]);
    expect(grid.logPdf([pts], 6).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    const cat = estimator([[0, 2, 2]], [{ kind: 'categorical', nChoices: 4 }]);
    expect(cat.logPdf([f64([0, 1, 2, 3])], 4).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    // Two axes, multivariate: sum over the grid x integral over the continuous axis.
    const joint = estimator(
      [
        [0, 1, 1],
        [0.2, 0.8, 0.5],
      ],
      [
        { kind: 'categorical', nChoices: 2 },
        { kind: 'numerical', low: 0, high: 1, step: 0 },
      ],
      { ...opts, multivariate: true },
    );
    const n = 20001;
    let total = 0;
    for (const c of [0, 1]) {
      const xs = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
      const lp = joint.logPdf([new Float64Array(n).fill(c), xs], n);
      for (let i = 1; i < n; i++) total += (Math.exp(lp[i - 1] as number) + Math.exp(lp[i] as number)) / 2 / (n - 1);
    }
    expect(total).toBeCloseTo(1, 6);
  });

  it('samples inside the axes, on the grid, and near the observations when they dominate', () => {
    const pe = estimator(
      [
        [3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      ],
      [
        { kind: 'numerical', low: 0, high: 10, step: 1 },
        { kind: 'categorical', nChoices: 3 },
      ],
      { ...opts, considerPrior: false },
    );
    const [xs, cs] = pe.sample(new Rng(1), 200) as [Float64Array, Float64Array];
    for (const x of xs) {
      expect(Number.isInteger(x) && x >= 0 && x <= 10).toBe(true);
    }
    const near = xs.filter((x) => Math.abs(x - 3) <= 2).length;
    expect(near).toBeGreaterThan(150);
    expect(cs.filter((c) => c === 1).length).toBeGreaterThan(120);
  });

  it('with no observations is the prior alone (even without considerPrior)', () => {
    const pe = estimator([[]], [{ kind: 'numerical', low: 0, high: 1, step: 0 }], { ...opts, considerPrior: false });
    expect(pe.nComponents).toBe(1);
  });

  it('refuses weights that are negative, non-finite or all zero', () => {
    const dims: ParzenDim[] = [{ kind: 'numerical', low: 0, high: 1, step: 0 }];
    expect(() => estimator([[0.5, 0.6]], dims, { ...opts, weights: () => [1, -1] })).toThrow(/weights\(n\)/);
    expect(() => estimator([[0.5, 0.6]], dims, { ...opts, weights: () => [0, 0] })).toThrow(/positive sum/);
    expect(() => estimator([[0.5, 0.6]], dims, { ...opts, weights: () => [1] })).toThrow(/at least n = 2/);
  });
});

/**
 * Numbers from Optuna's `_ParzenEstimator` (3.1 with the truncated-normal fix of optuna#5110, i.e.
 * the semantics of Optuna >= 3.5), default parameters, for a tiny observation set per kind of
 * distribution: weights, mus and sigmas after the transform, and log densities at three points.
 */
describe('ParzenEstimator parity with Optuna', () => {
  const spaces: Record<string, Distribution> = {
    x: new FloatDistribution(0, 10),
    k: new IntDistribution(1, 5),
    m: new IntDistribution(1, 100, true),
    s: new FloatDistribution(0, 1, false, 0.25),
    c: new CategoricalDistribution(['a', 'b', 'c']),
  };
  const obs: Record<string, ParamValue[]> = {
    x: [2, 3, 9],
    k: [2, 2, 4],
    m: [3, 50, 7],
    s: [0.25, 1, 0.25],
    c: ['a', 'c', 'c'],
  };
  const cand: Record<string, ParamValue[]> = {
    x: [0.5, 2.5, 7],
    k: [1, 2, 5],
    m: [1, 10, 100],
    s: [0, 0.25, 0.75],
    c: ['a', 'b', 'c'],
  };
  const expected: Record<string, { mus?: number[]; sigmas?: number[]; logPdf: number[] }> = {
    x: {
      mus: [2, 3, 9, 5],
      sigmas: [2, 2, 4, 10],
      logPdf: [-2.331008165472077, -1.92514483216694, -2.6188464144989876],
    },
    k: {
      mus: [2, 2, 4, 3],
      sigmas: [1, 1, 1, 5],
      logPdf: [-1.7194143238697677, -1.3003487366199757, -2.154185865560259],
    },
    m: {
      mus: [1.0986122886681096, 3.912023005428146, 1.9459101490553132, 1.9585052734695925],
      sigmas: [1.060660981611815, 1.9535177319585535, 1.060660981611815, 5.303304908059076],
      logPdf: [-2.0240357734398913, -1.3926111722361656, -2.08799499020604],
    },
    s: {
      mus: [0.25, 1, 0.25, 0.5],
      sigmas: [0.25, 0.5, 0.25, 1.25],
      logPdf: [-1.6637118018553319, -1.2582243384579443, -1.8457334037072608],
    },
    c: { logPdf: [-1.0986122886681096, -1.6582280766035324, -0.7419373447293772] },
  };
  const names = Object.keys(spaces);
  const model = (name: string, values: Record<string, ParamValue[]>): Float64Array =>
    Float64Array.from(values[name] as ParamValue[], (v) => toModelSpace(spaces[name] as Distribution, v));
  const axisOf = (pe: ParzenEstimator): { mus?: Float64Array; sigmas?: Float64Array } =>
    (pe as unknown as { axes: { mus?: Float64Array; sigmas?: Float64Array }[] }).axes[0] as {
      mus?: Float64Array;
      sigmas?: Float64Array;
    };

  it.each(names)('%s: weights, mus, sigmas and log densities', (name) => {
    const dist = spaces[name] as Distribution;
    const pe = new ParzenEstimator([model(name, obs)], [parzenDim(dist)], opts);
    const want = expected[name] as { mus?: number[]; sigmas?: number[]; logPdf: number[] };
    const logWeights = (pe as unknown as { logWeights: Float64Array }).logWeights;
    expect(Array.from(logWeights, Math.exp)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const axis = axisOf(pe);
    if (want.mus !== undefined) {
      Array.from(axis.mus as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(want.mus?.[i] as number, 12));
      Array.from(axis.sigmas as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(want.sigmas?.[i] as number, 12));
    }
    Array.from(pe.logPdf([model(name, cand)], 3)).forEach((v, i) =>
      expect(v).toBeCloseTo(want.logPdf[i] as number, 12),
    );
  });

  it('jointly, the log densities add up per component before the mixture', () => {
    const pe = new ParzenEstimator(
      names.map((n) => model(n, obs)),
      names.map((n) => parzenDim(spaces[n] as Distribution)),
      opts,
    );
    const lp = pe.logPdf(
      names.map((n) => model(n, cand)),
      3,
    );
    [-7.505964939333497, -7.709016751448333, -9.592717236056002].forEach((v, i) => expect(lp[i]).toBeCloseTo(v, 12));
  });

  it('30 observations: ramped weights with the prior, and the mixture density', () => {
    const x = Float64Array.from({ length: 30 }, (_, i) => (i * 0.37) % 10);
    const pe = new ParzenEstimator([x], [{ kind: 'numerical', low: 0, high: 10, step: 0 }], opts);
    const w = Array.from((pe as unknown as { logWeights: Float64Array }).logWeights, Math.exp);
    [0.0011661807580174927, 0.009620991253644314, 0.034985422740524776, 0.034985422740524776].forEach((v, i) =>
      expect(w[[0, 1, 4, 29][i] as number]).toBeCloseTo(v, 15),
    );
    expect(w[30]).toBeCloseTo(0.034985422740524776, 15);
    const lp = pe.logPdf([f64([1, 5.55])], 2);
    expect(lp[0]).toBeCloseTo(-2.228960727795865, 12);
    expect(lp[1]).toBeCloseTo(-2.3208043492344625, 12);
  });
});

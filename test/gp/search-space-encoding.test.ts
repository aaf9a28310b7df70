import { SearchSpaceEncoding } from '../../src/gp/search-space-encoding';
import { CategoricalDistribution, FloatDistribution, IntDistribution } from '../../src/space/distributions';

const space = {
  lr: new FloatDistribution(1e-5, 1e-1, true),
  units: new IntDistribution(16, 256, false, 16),
  layers: new IntDistribution(1, 8),
  width: new IntDistribution(1, 1024, true),
  act: new CategoricalDistribution(['relu', 'tanh', null]),
  dropout: new FloatDistribution(0, 0.5, false, 0.125),
  x: new FloatDistribution(-5, 10),
};

describe('SearchSpaceEncoding', () => {
  const enc = new SearchSpaceEncoding(space);

  it('lays out sorted names, one column per number and one-hot columns per categorical', () => {
    expect(enc.params.map((p) => p.name)).toEqual(['act', 'dropout', 'layers', 'lr', 'units', 'width', 'x']);
    expect(enc.dims).toBe(9);
    expect(Array.from(enc.columnParam)).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(enc.numericColumns)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('round-trips values, in log space where asked', () => {
    const values = { lr: 1e-3, units: 64, layers: 8, width: 37, act: null, dropout: 0.375, x: 2.5 };
    const x = enc.encode(values) as Float64Array;
    expect(Array.from(x.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(x[5]).toBeCloseTo(0.5, 12); // lr: the middle of [1e-5, 1e-1] in log space
    expect(x[8]).toBeCloseTo(0.5, 12); // x
    const back = enc.decode(x);
    expect({ ...back, lr: 0 }).toEqual({ ...values, lr: 0 });
    expect(back['lr']).toBeCloseTo(1e-3, 15); // exp(log(.)) is exact only to rounding
    for (const v of Array.from(x)) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('snaps any point of the cube onto the grid, clipping what is outside', () => {
    const x = Float64Array.from([0.2, 0.9, 0.1, 0.51, 0.49, 1.3, 0.0, 1.5, -1]);
    const v = enc.decode(x);
    expect(v).toEqual({ act: 'tanh', dropout: 0.25, layers: 4, lr: 0.1, units: 16, width: 1024, x: -5 });
    expect(enc.decode(enc.snap(x))).toEqual(v);
    for (const [name, d] of Object.entries(space)) {
      const value = v[name];
      if (d.type === 'categorical') expect(d.choices).toContain(value);
      else expect(d.containsInternal(value as number)).toBe(true);
    }
  });

  it('maps a uniform point per parameter to the encoding (Sobol candidates)', () => {
    const x = enc.fromUnit([0.99, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
    expect(Array.from(x.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(x[8]).toBe(0.25);
  });

  it('refuses values outside the space (a trial that used other choices)', () => {
    expect(enc.encode({ lr: 1e-3, units: 64, layers: 8, width: 37, act: 'gelu', dropout: 0, x: 0 })).toBeNull();
    expect(enc.encode({ lr: 1e-3 })).toBeNull();
  });
});

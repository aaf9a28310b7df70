import * as tf from '@tensorflow/tfjs';

import { optimizeAcquisition } from '../../src/gp/optimize-acquisition';
import { GPPosterior, standardize } from '../../src/gp/posterior';
import { SearchSpaceEncoding } from '../../src/gp/search-space-encoding';
import { Rng } from '../../src/random/rng';
import { CategoricalDistribution, FloatDistribution } from '../../src/space/distributions';
import { expectNoLeak, lcg, useBackend } from './helpers';

describe.each(['cpu', 'wasm'] as const)('optimizeAcquisition on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  const encoding = new SearchSpaceEncoding({
    c: new CategoricalDistribution(['a', 'b', 'c']),
    u: new FloatDistribution(0, 1),
    v: new FloatDistribution(0, 1),
  });
  const next = lcg(3);
  // Observations peak near (u, v) = (0.7, 0.3) with choice 'b'; columns are [a, b, c, u, v].
  const f = (c: number, u: number, v: number): number => -((u - 0.7) ** 2) - (v - 0.3) ** 2 - (c === 1 ? 0 : 0.5);
  const points = Array.from({ length: 40 }, () => encoding.fromUnit([next(), next(), next()]));
  const values = standardize(points.map((p) => f(p.indexOf(1), p[3] as number, p[4] as number))).values;

  it('refines the roulette starts by L-BFGS and picks the right choice; leaks nothing', () => {
    const x = tf.tensor2d(points.map((p) => Array.from(p)));
    const hp = { inverseSquaredLengthscales: Float64Array.from([1, 1, 1, 8, 8]), scale: 1, noise: 1e-4 };
    const posterior = GPPosterior.fit('matern52', x, values, hp);
    // UCB with the mean alone (beta 0) is maximised at the model's optimum.
    const candidates = Array.from({ length: 64 }, () => encoding.fromUnit([next(), next(), next()]));
    const result = expectNoLeak(() =>
      optimizeAcquisition({
        posterior,
        acquisition: { name: 'ucb', best: 0, ucbBeta: 0 },
        encoding,
        candidates,
        rng: new Rng(1),
      }),
    );
    expect(result).not.toBeNull();
    const decoded = encoding.decode(result?.x as Float64Array);
    expect(decoded['c']).toBe('b');
    expect(Math.abs((decoded['u'] as number) - 0.7)).toBeLessThan(0.1);
    expect(Math.abs((decoded['v'] as number) - 0.3)).toBeLessThan(0.1);
    posterior.dispose();
    x.dispose();
  });

  it('starts local searches from the local pool too, and reports a refined point', () => {
    const x = tf.tensor2d(points.map((p) => Array.from(p)));
    const hp = { inverseSquaredLengthscales: Float64Array.from([1, 1, 1, 8, 8]), scale: 1, noise: 1e-4 };
    const posterior = GPPosterior.fit('matern52', x, values, hp);
    // Space-filling candidates only in a far corner with the wrong choice; local ones near the peak.
    const candidates = [encoding.fromUnit([0, 0.05, 0.95]), encoding.fromUnit([0.1, 0, 1])];
    const localCandidates = [encoding.fromUnit([0.5, 0.6, 0.4]), encoding.fromUnit([0.5, 0.75, 0.2])];
    const result = expectNoLeak(() =>
      optimizeAcquisition({
        posterior,
        acquisition: { name: 'ucb', best: 0, ucbBeta: 0 },
        encoding,
        candidates,
        localCandidates,
        localStarts: 2,
        rng: new Rng(1),
      }),
    );
    const decoded = encoding.decode(result?.x as Float64Array);
    expect(result?.source).toBe('refined');
    expect(decoded['c']).toBe('b');
    expect(Math.abs((decoded['u'] as number) - 0.7)).toBeLessThan(0.05);
    expect(Math.abs((decoded['v'] as number) - 0.3)).toBeLessThan(0.05);
    posterior.dispose();
    x.dispose();
  });

  it('returns null when nothing scores finitely', () => {
    const x = tf.tensor2d(points.map((p) => Array.from(p)));
    const hp = { inverseSquaredLengthscales: Float64Array.from([1, 1, 1, 8, 8]), scale: 1, noise: 1e-4 };
    const posterior = GPPosterior.fit('matern52', x, values, hp);
    expect(
      optimizeAcquisition({
        posterior,
        acquisition: { name: 'logEI', best: NaN },
        encoding,
        candidates: points.slice(0, 4),
        rng: new Rng(1),
      }),
    ).toBeNull();
    posterior.dispose();
    x.dispose();
  });
});

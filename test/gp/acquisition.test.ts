import * as tf from '@tensorflow/tfjs';

import { acquisitionValue, logH, logNormalCdf } from '../../src/gp/acquisition';
import { normalCdf } from '../../src/gp/normal-tails';
import { expectNoLeak, useBackend } from './helpers';

/** E[max(0, N(0, 1) + z)] by quadrature in float64 (underflows, as EI does, for z < -37). */
function h(z: number): number {
  let s = 0;
  const steps = 40000;
  const du = 40 / steps;
  for (let i = 0; i < steps; i++) {
    const u = (i + 0.5) * du;
    s += u * Math.exp(-0.5 * (u - z) ** 2) * du;
  }
  return s / Math.sqrt(2 * Math.PI);
}

function values(f: (t: tf.Tensor) => tf.Tensor, zs: number[]): number[] {
  return tf.tidy(() => Array.from(f(tf.tensor1d(zs)).dataSync()));
}

describe.each(['cpu', 'wasm'] as const)('acquisition functions on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it('logEI matches log(EI) where EI is not tiny', () => {
    const zs = [-6, -4, -3, -2.5, -1, -0.3, 0, 0.5, 2, 5];
    const got = expectNoLeak(() => values(logH, zs));
    zs.forEach((z, i) =>
      expect(Math.abs((got[i] as number) - Math.log(h(z)))).toBeLessThan(1e-5 * Math.max(1, Math.abs(Math.log(h(z))))),
    );
  });

  it('logEI stays finite, monotone and with a finite slope where EI underflows', () => {
    const zs = [-1e6, -1e3, -200, -40, -38, -10];
    expect(h(-40)).toBe(0); // EI itself underflows here
    const got = expectNoLeak(() => values(logH, zs));
    got.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    for (let i = 1; i < got.length; i++) expect(got[i] as number).toBeGreaterThan(got[i - 1] as number);
    // Asymptotically log h(z) ~ -z^2/2 - log(2 pi)/2 - 2 log|z|.
    expect(got[3] as number).toBeCloseTo(-800 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(40), 2);
    const slopes = expectNoLeak(() =>
      tf.tidy(() =>
        Array.from(
          tf
            .grad((z: tf.Tensor) => tf.sum(logH(z)))(tf.tensor1d(zs))
            .dataSync(),
        ),
      ),
    );
    slopes.forEach((s, i) => {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeCloseTo(-(zs[i] as number), -Math.log10(Math.abs(zs[i] as number)) + 1); // ~ |z|
    });
  });

  it('log PI is log Phi(z), finite in the tail', () => {
    const zs = [-50, -5, -1, 0, 1, 4];
    const got = expectNoLeak(() => values(logNormalCdf, zs));
    expect(got[0] as number).toBeCloseTo(-1250 - 0.5 * Math.log(2 * Math.PI) - Math.log(50), 1);
    zs.slice(1).forEach((z, i) => expect(got[i + 1] as number).toBeCloseTo(Math.log(normalCdf(z)), 5));
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
  });

  it('acquisitionValue: logEI, UCB and PI from mean and variance, without leaks', () => {
    const mean = tf.tensor1d([0, 1, -3]);
    const variance = tf.tensor1d([1, 0.25, 1e-4]);
    const [ei, ucb, pi] = expectNoLeak(() =>
      (['logEI', 'ucb', 'pi'] as const).map((name) =>
        tf.tidy(() => Array.from(acquisitionValue({ name, best: 0.5 }, mean, variance).dataSync())),
      ),
    );
    expect(ei?.[0]).toBeCloseTo(Math.log(h(-0.5)), 4);
    expect(ei?.[1]).toBeCloseTo(Math.log(0.5 * h(1)), 4);
    expect(Number.isFinite(ei?.[2])).toBe(true);
    [Math.SQRT2, 1 + 0.5 * Math.SQRT2, -3 + 0.01 * Math.SQRT2].forEach((v, i) => expect(ucb?.[i]).toBeCloseTo(v, 5));
    expect(pi?.[1]).toBeCloseTo(Math.log(normalCdf(1)), 5);
    tf.dispose([mean, variance]);
  });
});

import * as tf from '@tensorflow/tfjs';

import { nonDominatedBoxes } from '../../src/gp/box-decomposition';
import { LogEHVI } from '../../src/gp/log-ehvi';
import { normalCdf, normalQuantile } from '../../src/gp/normal-tails';
import { hypervolume } from '../../src/samplers/hypervolume/exact';
import { expectNoLeak, lcg } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Hypervolume improvement of `y` over `front` (losses), by the exact hypervolume. */
function improvement(front: number[][], y: number[], ref: number[]): number {
  return hypervolume([...front, y], ref) - hypervolume(front, ref);
}

/** Improvement from the boxes: the part of each box that `y` dominates. */
function boxImprovement(front: number[][], y: number[], ref: number[]): number {
  const { lower, upper } = nonDominatedBoxes(front, ref);
  let total = 0;
  lower.forEach((lo, b) => {
    let v = 1;
    lo.forEach((l, j) => (v *= Math.max(0, ((upper[b] as Float64Array)[j] as number) - Math.max(l, y[j] as number))));
    total += v;
  });
  return total;
}

describe('nonDominatedBoxes', () => {
  it('tiles the non-dominated region: box improvement equals the exact hypervolume improvement (2 and 3 objectives)', () => {
    const rand = lcg(3);
    for (const m of [2, 3]) {
      const ref = Array.from({ length: m }, () => 1.1);
      // A front with dominated points and ties mixed in.
      const front = Array.from({ length: 12 }, () => Array.from({ length: m }, () => rand()));
      front.push((front[0] as number[]).slice());
      for (let k = 0; k < 40; k++) {
        const y = Array.from({ length: m }, () => rand() * 1.2 - 0.1);
        expect(boxImprovement(front, y, ref)).toBeCloseTo(improvement(front, y, ref), 10);
      }
    }
  });

  it('gives n + 1 boxes for a 2-objective front of n points', () => {
    const front = [
      [0.1, 0.9],
      [0.5, 0.5],
      [0.9, 0.1],
      [0.95, 0.95], // dominated
    ];
    expect(nonDominatedBoxes(front, [1, 1]).lower).toHaveLength(4);
  });
});

describe('normalQuantile', () => {
  it('inverts normalCdf across the range, tails included', () => {
    for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-9]) {
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 8);
    }
  });
});

describe('LogEHVI', () => {
  // A hand-made 2-objective front, maximised (the GP's orientation): losses are its negatives.
  const front = [
    [-0.1, -0.9],
    [-0.4, -0.4],
    [-0.9, -0.1],
  ];
  const rand = lcg(11);
  const samples = Array.from({ length: 256 }, () =>
    Float64Array.from({ length: 2 }, () => normalQuantile(Math.min(1 - 1e-9, Math.max(1e-9, rand())))),
  );
  const ref = [1, 1];

  it('scores a candidate that dominates the front above one the front dominates', () => {
    const ehvi = new LogEHVI(front, samples, ref);
    const out = ehvi.evaluate([0, 0, -0.6, -0.6], [0.05, 0.05, 0.05, 0.05], 2);
    expect(out.value[0] as number).toBeGreaterThan((out.value[1] as number) + 5);
  });

  it('matches a brute-force Monte-Carlo EHVI (exact hypervolume per sample) on a tiny case', () => {
    const ehvi = new LogEHVI(front, samples, ref);
    const mean = [-0.3, -0.35];
    const std = [0.2, 0.3];
    const estimate = Math.exp(ehvi.evaluate(mean, std, 1).value[0] as number);
    // Brute force: fresh pseudo-random draws, the exact hypervolume gain of each.
    const draw = lcg(99);
    const losses = front.map((y) => y.map((v) => -v));
    let sum = 0;
    const N = 20000;
    for (let s = 0; s < N; s++) {
      const z = [0, 1].map(() => normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, draw()))));
      const y = mean.map((mu, j) => -(mu + (std[j] as number) * (z[j] as number)));
      sum += improvement(losses, y, ref);
    }
    const brute = sum / N;
    expect(brute).toBeGreaterThan(0.01);
    expect(Math.abs(estimate - brute) / brute).toBeLessThan(0.08);
  });

  it('has the gradient of its value (finite differences) and leaves no tensors', () => {
    const ehvi = new LogEHVI(front, samples, ref);
    const mean = [-0.3, -0.35];
    const std = [0.2, 0.3];
    const grads = expectNoLeak(() =>
      tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(ehvi.value(a as tf.Tensor2D, b as tf.Tensor2D)));
        return g([tf.tensor2d([mean]), tf.tensor2d([std])]).map((t) => Array.from(t.dataSync()));
      }),
    );
    const f = (mu: number[], sd: number[]): number => ehvi.evaluate(mu, sd, 1).value[0] as number;
    // float32 values: compare with a loose tolerance.
    for (let j = 0; j < 2; j++) {
      const up = mean.slice();
      const down = mean.slice();
      up[j] = (up[j] as number) + 1e-3;
      down[j] = (down[j] as number) - 1e-3;
      expect((grads[0] as number[])[j] as number).toBeCloseTo((f(up, std) - f(down, std)) / 2e-3, 2);
      const wide = std.slice();
      const narrow = std.slice();
      wide[j] = (wide[j] as number) + 1e-3;
      narrow[j] = (narrow[j] as number) - 1e-3;
      expect((grads[1] as number[])[j] as number).toBeCloseTo((f(mean, wide) - f(mean, narrow)) / 2e-3, 2);
    }
  });
});

import * as tune from '../../src';
import { hypervolume } from '../../src/samplers/hypervolume/exact';

/** Exact by cells: the grid of every point's coordinates, each cell counted when a point dominates its lower corner. */
function bruteForce(points: number[][], ref: number[]): number {
  const m = ref.length;
  const axes = ref.map((r, j) =>
    [...new Set([...points.map((p) => p[j] as number), r])].filter((v) => v <= r).sort((a, b) => a - b),
  );
  let volume = 0;
  const walk = (j: number, corner: number[], size: number): void => {
    if (j === m) {
      if (points.some((p) => p.every((v, k) => v <= (corner[k] as number)))) volume += size;
      return;
    }
    const axis = axes[j] as number[];
    for (let k = 0; k + 1 < axis.length; k++) {
      walk(j + 1, [...corner, axis[k] as number], size * ((axis[k + 1] as number) - (axis[k] as number)));
    }
  };
  walk(0, [], 1);
  return volume;
}

function randomPoints(rng: tune.Rng, n: number, m: number, grid: number): number[][] {
  // Coordinates on a coarse grid, so ties and duplicates happen.
  return Array.from({ length: n }, () => Array.from({ length: m }, () => rng.int(0, grid) / grid));
}

describe('exact hypervolume', () => {
  it('known fronts: a 2-D staircase and a 3-D set', () => {
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(6);
    expect(hypervolume([[0, 0, 0]], [2, 3, 4])).toBe(24);
    // The cube [0, 2]³ but for the corner [0, 1]³ none of the three covers.
    expect(
      hypervolume(
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        [2, 2, 2],
      ),
    ).toBe(8 - 1);
    expect(hypervolume([[5, 5]], [4, 4])).toBe(0);
  });

  it.each([2, 3, 4, 5])('%i objectives: equal to the brute-force cell count on random sets with ties', (m) => {
    const rng = new tune.Rng(m);
    for (let rep = 0; rep < 25; rep++) {
      const pts = randomPoints(rng, rng.int(1, m === 5 ? 8 : 14), m, 6);
      const ref = Array.from({ length: m }, () => 1 + rng.int(0, 2) / 6);
      expect(hypervolume(pts, ref)).toBeCloseTo(bruteForce(pts, ref), 10);
    }
  });

  it('a point on the reference boundary adds nothing', () => {
    expect(
      hypervolume(
        [
          [1, 1],
          [0.5, 2],
        ],
        [2, 2],
      ),
    ).toBe(1);
  });
});

describe('tune.analysis', () => {
  it('hypervolume validates its input, naming the field', () => {
    expect(
      tune.analysis.hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(6);
    expect(() => tune.analysis.hypervolume([[1, 2, 3]], [4, 4])).toThrow(/hypervolume points\[0\]/);
    expect(() => tune.analysis.hypervolume([], [])).toThrow(/hypervolume reference/);
  });

  it('hypervolumeHistory follows the feasible front trial by trial, in the study`s directions', async () => {
    const values: [number, number, number][] = [
      [2, 2, 0], // (minimize, maximize) against (3, 0): (3 - 2) * (2 - 0) = 2
      [1, 1, 0], // adds x in [1, 2] with y up to 1: +1 → 3
      [0, 5, 1], // infeasible: unchanged
      [2.5, 0.5, 0], // dominated by [2, 2]: unchanged
      [0, 3, 0], // dominates both: 3 * 3 = 9
    ];
    const study = await tune.createStudy({
      directions: ['minimize', 'maximize'],
      sampler: new tune.samplers.NSGAIISampler({ seed: 1, constraintsFunc: (t) => [t.userAttrs['c'] as number] }),
      logger: tune.logging.silentLogger,
    });
    for (const [a, b, c] of values) {
      const t = await study.ask();
      t.setUserAttr('c', c);
      await study.tell(t, [a, b]);
    }
    const history = tune.analysis.hypervolumeHistory(study, [3, 0]);
    expect(history.trialNumbers).toEqual([0, 1, 2, 3, 4]);
    expect(history.values).toEqual([2, 3, 3, 3, 9]);
    expect(() => tune.analysis.hypervolumeHistory(study, [3])).toThrow(/2 finite numbers/);
  });
});

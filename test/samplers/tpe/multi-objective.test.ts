import { contribution, hypervolume } from '../../../src/samplers/tpe/hypervolume';
import { hypervolumeWeights, nondominationRanks, selectByHypervolume } from '../../../src/samplers/tpe/multi-objective';

const pts = (xs: number[][]): Float64Array[] => xs.map((x) => Float64Array.from(x));

describe('hypervolume', () => {
  it('2-D: the union of boxes to the reference point', () => {
    expect(
      hypervolume(
        pts([
          [1, 2],
          [2, 1],
        ]),
        Float64Array.from([3, 3]),
      ),
    ).toBe(3);
    expect(
      hypervolume(
        pts([
          [1, 2],
          [2, 1],
          [2.5, 2.5],
          [4, 0],
        ]),
        Float64Array.from([3, 3]),
      ),
    ).toBe(3);
  });

  it('3-D (WFG): inclusion–exclusion by hand', () => {
    // Boxes [1,2]^3-ish: a=(0,0,1) -> 2*2*1=4, b=(1,0,0) -> 1*2*2=4, overlap (1,0,1) -> 1*2*1=2.
    expect(
      hypervolume(
        pts([
          [0, 0, 1],
          [1, 0, 0],
        ]),
        Float64Array.from([2, 2, 2]),
      ),
    ).toBeCloseTo(6, 12);
    expect(
      hypervolume(
        pts([
          [0, 0, 1],
          [1, 0, 0],
          [1, 1, 1],
        ]),
        Float64Array.from([2, 2, 2]),
      ),
    ).toBeCloseTo(6, 12);
    expect(contribution(Float64Array.from([0, 0, 1]), pts([[1, 0, 0]]), Float64Array.from([2, 2, 2]))).toBeCloseTo(
      2,
      12,
    );
  });
});

describe('MOTPE helpers', () => {
  it('ranks fronts, stopping once enough points are ranked', () => {
    const p = pts([
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(Array.from(nondominationRanks(p, 5))).toEqual([0, 0, 1, 2, 3]);
    expect(Array.from(nondominationRanks(p, 2))).toEqual([0, 0, -1, -1, -1]);
  });

  it('greedy subset selection takes the subset covering the most hypervolume', () => {
    // Reference point 10 % beyond the worst (1.1, 1.1): the end points cover little past it.
    const front = pts([
      [0, 1],
      [0.1, 0.9],
      [0.5, 0.5],
      [0.9, 0.1],
      [1, 0],
    ]);
    const chosen = selectByHypervolume(front, 3).sort();
    const ref = Float64Array.from([1.1, 1.1]);
    let best = 0;
    for (let a = 0; a < 5; a++)
      for (let b = a + 1; b < 5; b++)
        for (let c = b + 1; c < 5; c++)
          best = Math.max(best, hypervolume([front[a], front[b], front[c]] as Float64Array[], ref));
    expect(
      hypervolume(
        chosen.map((i) => front[i] as Float64Array),
        ref,
      ),
    ).toBeCloseTo(best, 12);
    expect(chosen).toEqual([1, 2, 3]);
  });

  it('weights by hypervolume contribution, the largest scaled to 1', () => {
    const w = hypervolumeWeights(
      pts([
        [0, 1],
        [0.5, 0.5],
        [1, 0],
      ]),
    );
    expect(Math.max(...w)).toBe(1);
    expect(hypervolumeWeights(pts([[0, 1]]))[0]).toBe(1);
  });
});

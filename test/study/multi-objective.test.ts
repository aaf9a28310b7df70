import {
  CONSTRAINTS_KEY,
  constrainedDominates,
  crowdingDistances,
  isFeasible,
  nonDominationRanks,
  paretoFront,
  totalViolation,
} from '../../src/study/multi-objective';
import { FrozenTrial } from '../../src/trial/frozen-trial';

const pts = (xs: number[][]): Float64Array[] => xs.map((x) => Float64Array.from(x));

function trial(number: number, values: number[], constraints?: number[]): FrozenTrial {
  return new FrozenTrial({
    trialId: number,
    number,
    state: 'COMPLETE',
    values,
    params: {},
    distributions: {},
    intermediateValues: new Map(),
    userAttrs: {},
    systemAttrs: constraints === undefined ? {} : { [CONSTRAINTS_KEY]: constraints },
    datetimeStart: null,
    datetimeComplete: null,
  });
}

describe('non-dominated sort', () => {
  it('ranks a hand-made set of three fronts', () => {
    // Front 0: (1,5) (2,3) (4,1); front 1: (3,4) (5,2); front 2: (5,5); (2,3) twice: both front 0.
    const losses = pts([
      [3, 4],
      [1, 5],
      [5, 5],
      [2, 3],
      [4, 1],
      [5, 2],
      [2, 3],
    ]);
    expect(Array.from(nonDominationRanks(losses))).toEqual([1, 0, 2, 0, 0, 1, 0]);
  });

  it('three objectives: a point equal in two and worse in one is dominated', () => {
    const losses = pts([
      [1, 1, 1],
      [1, 1, 2],
      [0, 2, 2],
      [2, 0, 3],
    ]);
    expect(Array.from(nonDominationRanks(losses))).toEqual([0, 1, 0, 0]);
  });

  it('with penalties: feasible fronts, then one rank per violation (smaller first), then no constraints', () => {
    const losses = pts([
      [1, 1], // infeasible 2
      [7, 7], // feasible, dominated
      [0, 0], // no constraints
      [4, 6], // feasible front
      [3, 3], // infeasible 0.5
      [9, 9], // infeasible 0.5
      [6, 4], // feasible front
      [1, 9], // no constraints, dominated by [0,0]
    ]);
    const penalty = [2, 0, NaN, 0, 0.5, 0.5, -0, NaN];
    expect(Array.from(nonDominationRanks(losses, penalty))).toEqual([3, 1, 4, 0, 2, 2, 0, 5]);
  });
});

describe('crowding distance', () => {
  it('is infinite at each end and the normalised neighbour gap summed over objectives inside', () => {
    const losses = pts([
      [0, 4],
      [1, 3],
      [3, 1],
      [4, 0],
    ]);
    const d = crowdingDistances(losses);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    // (3 - 0) / 4 for each objective.
    expect(d[1]).toBeCloseTo(1.5, 12);
    expect(d[2]).toBeCloseTo(1.5, 12);
  });

  it('an objective whose values are all equal adds nothing (no infinite ends from it)', () => {
    const d = crowdingDistances(
      pts([
        [0, 2],
        [1, 2],
        [2, 2],
      ]),
    );
    expect(Array.from(d)).toEqual([Infinity, 1, Infinity]);
    expect(
      Array.from(
        crowdingDistances(
          pts([
            [1, 1],
            [1, 1],
          ]),
        ),
      ),
    ).toEqual([0, 0]);
  });
});

describe('constrained domination', () => {
  const dirs = ['minimize', 'minimize'] as const;
  it('feasible beats infeasible whatever the values; two infeasible compare by total violation', () => {
    const feasible = trial(0, [9, 9], [-1, 0]);
    const infeasible = trial(1, [0, 0], [0.5, -3]);
    const worse = trial(2, [0, 0], [0.3, 0.3]);
    expect(constrainedDominates(feasible, infeasible, dirs)).toBe(true);
    expect(constrainedDominates(infeasible, feasible, dirs)).toBe(false);
    expect(constrainedDominates(infeasible, worse, dirs)).toBe(true);
    expect(constrainedDominates(worse, infeasible, dirs)).toBe(false);
    expect(totalViolation(worse)).toBeCloseTo(0.6, 12);
  });

  it('two feasible ones by Pareto dominance; a trial with constraints beats one without', () => {
    const a = trial(0, [1, 1], [0]);
    const b = trial(1, [2, 1], [-2]);
    expect(constrainedDominates(a, b, dirs)).toBe(true);
    expect(constrainedDominates(b, a, dirs)).toBe(false);
    const none = trial(2, [0, 0]);
    expect(constrainedDominates(b, none, dirs)).toBe(true);
    expect(constrainedDominates(none, b, dirs)).toBe(false);
    expect(isFeasible(none)).toBe(true);
  });

  it('the Pareto front keeps feasible trials only', () => {
    const trials = [trial(0, [0, 0], [1]), trial(1, [1, 2], [0]), trial(2, [2, 1]), trial(3, [3, 3], [-1])];
    expect(paretoFront(trials, dirs).map((t) => t.number)).toEqual([1, 2]);
  });
});

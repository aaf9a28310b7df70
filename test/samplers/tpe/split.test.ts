import * as tune from '../../../src';
import { splitTrials } from '../../../src/samplers/tpe/split';

let nextNumber = 0;
function trial(
  state: tune.TrialState,
  values: number[] | null,
  intermediate: [number, number][] = [],
): tune.FrozenTrial {
  const number = nextNumber++;
  return new tune.FrozenTrial({
    trialId: number,
    number,
    state,
    values,
    params: {},
    distributions: {},
    intermediateValues: new Map(intermediate),
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: null,
    datetimeComplete: null,
  });
}
const numbers = (ts: readonly tune.FrozenTrial[]): number[] => ts.map((t) => t.number);

describe('splitTrials (Optuna _split_trials)', () => {
  beforeEach(() => (nextNumber = 0));

  it('takes the best COMPLETE trials, then the PRUNED ones that got furthest; RUNNING is always above', () => {
    const trials = [
      trial('COMPLETE', [3]), // 0
      trial('PRUNED', null, [[5, 0.1]]), // 1: step 5
      trial('COMPLETE', [1]), // 2
      trial('PRUNED', null), // 3: reported nothing -> last
      trial('PRUNED', null, [[10, 0.9]]), // 4: step 10, 0.9
      trial('RUNNING', null), // 5
      trial('PRUNED', null, [[10, NaN]]), // 6: step 10, NaN ranks after 0.9
      trial('COMPLETE', [2]), // 7
    ];
    const s = splitTrials(trials, ['minimize'], 5);
    expect(numbers(s.below)).toEqual([0, 2, 4, 6, 7]);
    expect(numbers(s.above)).toEqual([1, 3, 5]);
    const two = splitTrials(trials, ['minimize'], 2);
    expect(numbers(two.below)).toEqual([2, 7]);
    expect(two.belowWeights).toBeNull();
  });

  it('maximises by flipping the sign, for completed values and pruned trials’ last values alike', () => {
    const trials = [
      trial('COMPLETE', [3]),
      trial('COMPLETE', [1]),
      trial('PRUNED', null, [[2, 5]]),
      trial('PRUNED', null, [[2, 7]]),
    ];
    expect(numbers(splitTrials(trials, ['maximize'], 1).below)).toEqual([0]);
    expect(numbers(splitTrials(trials, ['maximize'], 3).below)).toEqual([0, 1, 3]);
  });

  it('keeps trial-number order among equal values', () => {
    const trials = [trial('COMPLETE', [1]), trial('COMPLETE', [1]), trial('COMPLETE', [1])];
    expect(numbers(splitTrials(trials, ['minimize'], 2).below)).toEqual([0, 1]);
  });

  it('multi-objective: whole fronts first, hypervolume weights inside the good group', () => {
    const trials = [
      trial('COMPLETE', [0, 1]),
      trial('COMPLETE', [1, 0]),
      trial('COMPLETE', [0.5, 0.5]),
      trial('COMPLETE', [1, 1]), // dominated by all three
      trial('COMPLETE', [0.9, 0.9]),
    ];
    const s = splitTrials(trials, ['minimize', 'minimize'], 3);
    expect(numbers(s.below)).toEqual([0, 1, 2]);
    expect(s.belowWeights).not.toBeNull();
    const w = Array.from(s.belowWeights ?? []);
    expect(Math.max(...w)).toBe(1);
    for (const v of w) expect(v).toBeGreaterThan(0);
    // Maximising the second objective turns the front around.
    const flipped = splitTrials(trials, ['minimize', 'maximize'], 1);
    expect(numbers(flipped.below)).toEqual([0]);
  });
});

import { ThresholdPruner } from '../../src/pruners/threshold';
import { FakeStudy, frozenTrial } from './helpers/fake-study';
import { runCurves } from './helpers/run-curves';

const study = new FakeStudy([]);
const running = (values: readonly number[] | Record<number, number>) => frozenTrial(0, { state: 'RUNNING', values });

describe('ThresholdPruner', () => {
  it('prunes when the last value passes upper or lower, keeping what was reported', async () => {
    const up = await runCurves(new ThresholdPruner({ upper: 1 }), [[0, 0.1, 0.2, 0.5, 1.2, 0]]);
    expect(up.trials[0]?.state).toBe('PRUNED');
    expect([...(up.trials[0]?.intermediateValues.values() ?? [])]).toEqual([0, 0.1, 0.2, 0.5, 1.2]);
    const low = await runCurves(new ThresholdPruner({ lower: 0 }), [
      [100, 90, 0.1, 0, -1],
      [3, 2, 1],
    ]);
    expect(low.trials.map((t) => [t.state, t.lastStep])).toEqual([
      ['PRUNED', 4],
      ['COMPLETE', 2],
    ]);
  });

  it('prunes on NaN with either bound, and accepts values on the bounds', () => {
    expect(new ThresholdPruner({ upper: 1 }).prune(study, running([0, NaN]))).toBe(true);
    expect(new ThresholdPruner({ lower: 0 }).prune(study, running([NaN]))).toBe(true);
    const both = new ThresholdPruner({ lower: 0, upper: 1 });
    expect([0, 1, 0.5, -0.01, 1.01].map((v) => both.prune(study, running([v])))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('judges only the last value', () => {
    expect(new ThresholdPruner({ upper: 1 }).prune(study, running([5, 0.5]))).toBe(false);
  });

  it('waits nWarmupSteps and then checks the first report of every intervalSteps window', () => {
    const pruner = new ThresholdPruner({ upper: 1, nWarmupSteps: 2, intervalSteps: 3 });
    expect(pruner.prune(study, running([9]))).toBe(false); // step 0 < warm-up
    expect(pruner.prune(study, running([9, 9, 9]))).toBe(true); // step 2: first checkpoint
    expect(pruner.prune(study, running([0, 0, 0, 9]))).toBe(false); // step 3: inside the window [2, 5)
    expect(pruner.prune(study, running([0, 0, 0, 0, 0, 9]))).toBe(true); // step 5: next checkpoint
    expect(pruner.prune(study, running({ 0: 0, 6: 9 }))).toBe(true); // a late first report in a window counts
  });

  it('validates its options', () => {
    expect(() => new ThresholdPruner({})).toThrow(/lower, upper/);
    expect(() => new ThresholdPruner({ lower: 2, upper: 1 })).toThrow(/lower/);
    expect(() => new ThresholdPruner({ upper: NaN })).toThrow(/upper/);
    expect(() => new ThresholdPruner({ upper: 1, nWarmupSteps: -1 })).toThrow(/nWarmupSteps/);
    expect(() => new ThresholdPruner({ upper: 1, intervalSteps: 0 })).toThrow(/intervalSteps/);
  });
});

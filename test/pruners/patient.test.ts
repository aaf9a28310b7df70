import type { Pruner } from '../../src/pruners/base';
import { MedianPruner } from '../../src/pruners/median';
import { PatientPruner } from '../../src/pruners/patient';
import { FakeStudy, frozenTrial } from './helpers/fake-study';
import { runCurves } from './helpers/run-curves';

const minimize = new FakeStudy([]);
const maximize = new FakeStudy([], ['maximize']);
const running = (values: readonly number[]) => frozenTrial(0, { state: 'RUNNING', values });

/** A wrapped pruner that answers `answer` and counts how often it was asked. */
function stub(answer: boolean): Pruner & { calls: number } {
  return {
    calls: 0,
    prune() {
      this.calls++;
      return answer;
    },
  };
}

describe('PatientPruner', () => {
  it('alone, stops a trial once its last patience + 1 steps bring no improvement', async () => {
    const curve = [5, 4, 3, 3.5, 3.2, 3.1, 2, 2];
    const study = await runCurves(new PatientPruner(null, { patience: 2 }), [curve]);
    const t = study.trials[0];
    expect(t?.state).toBe('PRUNED');
    // Step 5: best before the window {5, 4, 3} is 3, best in {3.5, 3.2, 3.1} is 3.1 — no improvement.
    expect(t?.lastStep).toBe(5);
    expect([...(t?.intermediateValues.values() ?? [])]).toEqual(curve.slice(0, 6));
  });

  it('tolerates a window worse than before by up to minDelta', () => {
    const pruner = new PatientPruner(null, { patience: 2, minDelta: 0.2 });
    expect(pruner.prune(minimize, running([5, 4, 3, 3.5, 3.2, 3.1]))).toBe(false); // 3 + 0.2 < 3.1 is false
    expect(pruner.prune(minimize, running([5, 4, 3, 3.5, 3.3, 3.4, 3.5]))).toBe(true); // 3.2 < 3.3
    expect(new PatientPruner(null, { patience: 2 }).prune(minimize, running([5, 4, 3, 3.5, 3.2, 3.1]))).toBe(true);
  });

  it('does nothing until more than patience + 1 steps are reported', () => {
    const pruner = new PatientPruner(null, { patience: 2 });
    expect(pruner.prune(minimize, running([1, 9, 9]))).toBe(false);
    expect(pruner.prune(minimize, running([1, 1, 1, 1, 1]))).toBe(false); // a flat window is not worse: Optuna needs strictly worse
    expect(pruner.prune(minimize, running([1, 9, 9, 9]))).toBe(true);
    expect(pruner.prune(minimize, running([]))).toBe(false);
    expect(new PatientPruner(null, { patience: 0 }).prune(minimize, running([1, 2]))).toBe(true);
  });

  it('mirrors the comparison for maximisation', () => {
    const pruner = new PatientPruner(null, { patience: 1 });
    expect(pruner.prune(maximize, running([1, 2, 3]))).toBe(false);
    expect(pruner.prune(maximize, running([1, 3, 2, 2.5]))).toBe(true);
  });

  it('ignores NaN inside a window and never prunes on an all-NaN window', () => {
    const pruner = new PatientPruner(null, { patience: 1 });
    expect(pruner.prune(minimize, running([1, NaN, 2, 3]))).toBe(true); // before {1, NaN}: 1; window {2, 3}
    expect(pruner.prune(minimize, running([1, 2, NaN, NaN]))).toBe(false);
  });

  it('with a wrapped pruner, prunes only when both agree, and asks it only when patience ran out', () => {
    const no = stub(false);
    const yes = stub(true);
    const improving = running([5, 4, 3, 2]);
    const stalled = running([1, 5, 5, 5]);
    expect(new PatientPruner(yes, { patience: 1 }).prune(minimize, improving)).toBe(false);
    expect(yes.calls).toBe(0);
    expect(new PatientPruner(no, { patience: 1 }).prune(minimize, stalled)).toBe(false);
    expect(no.calls).toBe(1);
    expect(new PatientPruner(yes, { patience: 1 }).prune(minimize, stalled)).toBe(true);
  });

  it('wraps MedianPruner in a real study: a bad but still improving trial survives', async () => {
    const pruner = new PatientPruner(new MedianPruner({ nStartupTrials: 1 }), { patience: 1 });
    const study = await runCurves(pruner, [
      [1, 0.9, 0.8, 0.7, 0.6],
      [5, 4, 3, 2, 1.5], // worse than the median throughout, but improving every step
      [5, 5.1, 5.2, 5.3, 5.4], // worse and getting worse
    ]);
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'PRUNED']);
    expect(study.trials[2]?.lastStep).toBe(2);
  });

  it('validates its options', () => {
    expect(() => new PatientPruner(null, { patience: -1 })).toThrow(/patience/);
    expect(() => new PatientPruner(null, { patience: 1.5 })).toThrow(/patience/);
    expect(() => new PatientPruner(null, { patience: 1, minDelta: -0.1 })).toThrow(/minDelta/);
    expect(() =>
      new PatientPruner(null, { patience: 1 }).prune(new FakeStudy([], ['minimize', 'minimize']), running([1, 2, 3])),
    ).toThrow(/multi-objective/);
  });
});

import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving';
import { estimateMinResource, isPromotable } from '../../src/pruners/successive-halving-math';
import { FakeStudy, frozenTrial, readOnly } from './helpers/fake-study';
import { runCurves } from './helpers/run-curves';

/** Trial `number` reporting `value` at `step` (and a filler value at step 0). */
function judged(number: number, step: number, value: number, systemAttrs = {}) {
  return frozenTrial(number, { state: 'RUNNING', values: { 0: 99, [step]: value }, systemAttrs });
}

/** A study whose trials 0..n-1 already recorded `values[i]` at rung 0. */
function rungStudy(values: readonly number[], direction: 'minimize' | 'maximize' = 'minimize'): FakeStudy {
  return new FakeStudy(
    values.map((v, i) => frozenTrial(i, { values: [v], systemAttrs: { completed_rung_0: v } })),
    [direction],
  );
}

describe('SuccessiveHalvingPruner: rungs', () => {
  it('puts rung r at minResource * eta^(minEarlyStoppingRate + r) and records the value reported there', async () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 });
    expect([0, 1, 2, 3].map((r) => pruner.rungStep(r))).toEqual([6, 18, 54, 162]);
    const curve = Array.from({ length: 61 }, (_, step) => 100 - step);
    const study = await runCurves(pruner, [curve]);
    const t = study.trials[0];
    expect(t?.state).toBe('COMPLETE'); // alone at every rung, so always the best there
    expect(t?.systemAttrs).toMatchObject({ completed_rung_0: 94, completed_rung_1: 82, completed_rung_2: 46 });
    expect(t?.systemAttrs['completed_rung_3']).toBeUndefined();
  });

  it('judges every rung a sparse report has passed, each with the value of that report', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    const study = new FakeStudy([]);
    expect(pruner.prune(study, judged(0, 5, 3))).toBe(false);
    expect(study.writes).toEqual([
      [0, 'completed_rung_0', 3],
      [0, 'completed_rung_1', 3],
      [0, 'completed_rung_2', 3],
    ]); // rungs at steps 1, 2, 4; the next (8) is not reached
  });

  it('continues from the first rung not yet recorded on the trial', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
    const study = new FakeStudy([]);
    // Rung 0 (step 1) is done, so at step 2 the next rung (step 2) is judged, not rung 0 again.
    expect(pruner.prune(study, judged(0, 2, 7, { completed_rung_0: 8 }))).toBe(false);
    expect(study.writes).toEqual([[0, 'completed_rung_1', 7]]);
    expect(pruner.prune(new FakeStudy([]), judged(0, 3, 7, { completed_rung_0: 8, completed_rung_1: 7 }))).toBe(false);
  });
});

describe('SuccessiveHalvingPruner: promotion', () => {
  it('promotes exactly the top 1/eta of the values recorded at the rung (minimise)', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 });
    const others = Array.from({ length: 11 }, (_, i) => i + 1); // 1..11; with the judged trial, 12 compete
    const decisions = [0.5, 2.5, 3, 3.5, 20].map((v) => pruner.prune(rungStudy(others), judged(11, 1, v)));
    expect(decisions).toEqual([false, false, false, true, true]); // top 12/4 = 3: values <= 3
  });

  it('mirrors the rule for maximisation', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 4 });
    const others = Array.from({ length: 11 }, (_, i) => i + 1);
    const decisions = [12, 9.5, 9, 8.5, -1].map((v) => pruner.prune(rungStudy(others, 'maximize'), judged(11, 1, v)));
    expect(decisions).toEqual([false, false, false, true, true]); // top 3 of 12: values >= 9
  });

  it('with fewer than eta competitors promotes only the best so far (Optuna)', () => {
    expect(isPromotable(2, [3, 2], 4, 'minimize')).toBe(true);
    expect(isPromotable(3, [3, 2], 4, 'minimize')).toBe(false);
  });

  it('in a real study, each trial is promoted iff in the top 1/eta of the rung when it gets there', async () => {
    const rung0 = [5, 3, 8, 1, 7, 2, 6, 4];
    const study = await runCurves(
      new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
      rung0.map((v) => [50, v]),
    );
    // trial k competes with k + 1 values and passes iff within the best floor((k + 1) / 2) (at least 1).
    expect(study.trials.map((t) => t.state[0])).toEqual(['C', 'C', 'P', 'C', 'P', 'C', 'P', 'C']);
    for (const t of study.trials) expect(t.systemAttrs['completed_rung_0']).toBe(rung0[t.number]);
    const pruned = study.trials[2];
    expect(pruned?.intermediateValues).toEqual(
      new Map([
        [0, 50],
        [1, 8],
      ]),
    );
    expect(pruned?.value).toBe(8); // a pruned trial keeps its last value
  });

  it('never promotes before bootstrapCount trials have reached the rung', async () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, bootstrapCount: 2 });
    // Trial 1 is the best so far at rung 0, but only 2 trials are there: it stops too.
    const study = await runCurves(pruner, [
      [9, 3],
      [9, 2],
      [9, 1],
      [9, 5],
    ]);
    expect(study.trials.map((t) => t.state)).toEqual(['PRUNED', 'PRUNED', 'COMPLETE', 'PRUNED']);
  });

  it('prunes a NaN at a rung without recording it, and ignores NaN before the first rung', async () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 2 });
    const study = await runCurves(pruner, [
      [NaN, 1, 1, 1],
      [1, 1, NaN, 1],
    ]);
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'PRUNED']);
    expect(study.trials[1]?.lastStep).toBe(2);
    expect(study.trials[1]?.systemAttrs['completed_rung_0']).toBeUndefined();
  });
});

describe("SuccessiveHalvingPruner: minResource 'auto'", () => {
  it('estimates a hundredth of the longest completed trial and prunes nothing before one completes', async () => {
    const pruner = new SuccessiveHalvingPruner(); // auto, eta 4
    const long = Array.from({ length: 300 }, (_, s) => 1 + 1 / (s + 1)); // last step 299
    const study = await runCurves(pruner, [long, Array.from({ length: 10 }, (_, s) => 5 - s * 0.1)]);
    expect(pruner.minResource).toBe(2); // floor(299 / 100)
    expect(Object.keys(study.trials[0]?.systemAttrs ?? {}).filter((k) => k.startsWith('completed_rung'))).toEqual([]);
    // Trial 1: rungs at steps 2 and 8 (2 * 4^0, 2 * 4^1).
    expect(study.trials[1]?.systemAttrs).toMatchObject({ completed_rung_0: 4.8, completed_rung_1: 4.2 });
  });

  it('estimates at least 1 and only from completed trials', () => {
    const t = (n: number, last: number, state: 'COMPLETE' | 'PRUNED') =>
      frozenTrial(n, { state, values: { [last]: 1 } });
    expect(estimateMinResource([])).toBeNull();
    expect(estimateMinResource([t(0, 999, 'PRUNED')])).toBeNull();
    expect(estimateMinResource([t(0, 50, 'COMPLETE')])).toBe(1);
    expect(estimateMinResource([t(0, 50, 'COMPLETE'), t(1, 450, 'COMPLETE')])).toBe(4);
  });
});

describe('SuccessiveHalvingPruner: contract', () => {
  it('validates its options', () => {
    expect(() => new SuccessiveHalvingPruner({ minResource: 0 })).toThrow(/minResource/);
    expect(() => new SuccessiveHalvingPruner({ reductionFactor: 1 })).toThrow(/reductionFactor/);
    expect(() => new SuccessiveHalvingPruner({ minEarlyStoppingRate: -1 })).toThrow(/minEarlyStoppingRate/);
    expect(() => new SuccessiveHalvingPruner({ bootstrapCount: 1 })).toThrow(/bootstrapCount.*auto/);
    expect(() => new SuccessiveHalvingPruner({ minResource: 1, bootstrapCount: 1 })).not.toThrow();
  });

  it('refuses multi-objective studies and says when the study cannot record rung values', () => {
    const pruner = new SuccessiveHalvingPruner({ minResource: 1 });
    expect(() => pruner.prune(new FakeStudy([], ['minimize', 'maximize']), judged(0, 1, 1))).toThrow(/multi-objective/);
    expect(() => pruner.prune(readOnly(new FakeStudy([])), judged(0, 1, 1))).toThrow(/setTrialSystemAttr/);
    expect(pruner.prune(readOnly(new FakeStudy([])), frozenTrial(0, { state: 'RUNNING' }))).toBe(false);
  });
});

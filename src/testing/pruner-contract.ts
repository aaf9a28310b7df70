/**
 * The behaviour every pruner owes a study (`src/pruners/base.ts`: "should this running trial stop
 * now?", from what has been reported): no verdict before a trial has reported anything, the same
 * verdicts for the same study history, the same verdicts for a minimised objective and the maximised
 * negation of it, no trouble with trials that report nothing, and none of this asked at all of a
 * multi-objective study (the trial refuses `report` and `shouldPrune` there: pruning needs one
 * objective). Call it from each pruner's test file:
 *
 *   describePrunerContract('MedianPruner', () => new tune.pruners.MedianPruner());
 */
import { describe, expect, it } from '@jest/globals';

import * as tune from '../index';

/**
 * Makes the pruner under test for one study. `direction` is the study's: a pruner with absolute
 * bounds (a threshold) mirrors them for 'maximize'; others ignore it.
 */
export type PrunerFactory = (direction: tune.StudyDirection) => tune.pruners.Pruner;

export interface PrunerContractOptions {
  /** Trials per study. Default 24. */
  readonly nTrials?: number;
  /** Steps each reporting trial reports (0 .. nSteps - 1). Default 8. */
  readonly nSteps?: number;
  /**
   * Whether the pruner prunes some of the contract's curves (falling curves, higher the worse a
   * trial's `x`; those of the worse half rise again after step 1): true asserts that it does, false that
   * it never does (a no-op pruner). Default true.
   */
  readonly prunes?: boolean;
}

const quiet = { logger: tune.logging.silentLogger };

/** What one study did: per trial, its state and the verdict at each step (`before` any report). */
interface Record {
  readonly state: tune.TrialState;
  readonly before: boolean;
  readonly verdicts: boolean[];
}

async function runCurves(
  pruner: tune.pruners.Pruner,
  direction: tune.StudyDirection,
  nTrials: number,
  nSteps: number,
): Promise<Record[]> {
  const study = await tune.createStudy({
    studyName: 'pruner-contract',
    sampler: new tune.samplers.RandomSampler({ seed: 11 }),
    pruner,
    direction,
    seed: 0,
    ...quiet,
  });
  const sign = direction === 'maximize' ? -1 : 1;
  const seen = new Map<number, { before: boolean; verdicts: boolean[] }>();
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat('x', 0, 1);
      const record = { before: trial.shouldPrune(), verdicts: [] as boolean[] };
      seen.set(trial.number, record);
      const final = sign * (x + 0.1);
      if (trial.number % 5 === 4) return final; // reports nothing
      for (let step = 0; step < nSteps; step++) {
        // Learning curves that fall, but the worse half's rise again after step 1 (for patience).
        const shape = x > 0.5 && step > 1 ? 2 + (step - 1) / 4 : 1 + 2 / (step + 1);
        trial.report(sign * (x + 0.1) * shape, step);
        // Asked once per step: a pruner may record what it decided (successive halving's rung
        // values), so a second question is about another study state.
        const verdict = trial.shouldPrune();
        record.verdicts.push(verdict);
        if (verdict) throw new tune.TrialPruned();
      }
      return final;
    },
    { nTrials },
  );
  return study.trials.map((t) => {
    const r = seen.get(t.number);
    return { state: t.state, before: r?.before ?? true, verdicts: r?.verdicts ?? [] };
  });
}

/**
 * Declares the pruner contract's jest tests for the pruners `makePruner` makes (one per study).
 *
 * @example
 * ```ts
 * import { describePrunerContract } from 'tfjs-tune/testing';
 * describePrunerContract('MyPruner', () => new MyPruner());
 * ```
 */
export function describePrunerContract(
  name: string,
  makePruner: PrunerFactory,
  options: PrunerContractOptions = {},
): void {
  const nTrials = options.nTrials ?? 24;
  const nSteps = options.nSteps ?? 8;
  const prunes = options.prunes ?? true;

  describe(`${name} (pruner contract)`, () => {
    it('never prunes a trial that has reported nothing, and copes with trials that never report', async () => {
      const records = await runCurves(makePruner('minimize'), 'minimize', nTrials, nSteps);
      expect(records).toHaveLength(nTrials);
      for (const r of records) expect(r.before).toBe(false);
      records.forEach((r, n) => {
        if (n % 5 === 4) expect(r.state).toBe('COMPLETE');
        else expect(r.state).toBe(r.verdicts.includes(true) ? 'PRUNED' : 'COMPLETE');
      });
      const pruned = records.filter((r) => r.state === 'PRUNED').length;
      if (prunes) expect(pruned).toBeGreaterThan(0);
      else expect(pruned).toBe(0);
    });

    it('decides the same for the same study history', async () => {
      const a = await runCurves(makePruner('minimize'), 'minimize', nTrials, nSteps);
      const b = await runCurves(makePruner('minimize'), 'minimize', nTrials, nSteps);
      expect(b).toEqual(a);
    });

    it('decides alike for a minimised objective and the maximised negation of it', async () => {
      const min = await runCurves(makePruner('minimize'), 'minimize', nTrials, nSteps);
      const max = await runCurves(makePruner('maximize'), 'maximize', nTrials, nSteps);
      expect(max).toEqual(min);
    });

    it('never sees a scalar report in a multi-objective study (the trial refuses it, asking for a vector)', async () => {
      const inner = makePruner('minimize');
      let asked = 0;
      const spy: tune.pruners.Pruner = {
        prune: (study, trial) => {
          asked++;
          return inner.prune(study, trial);
        },
      };
      const study = await tune.createStudy({ pruner: spy, directions: ['minimize', 'maximize'], seed: 0, ...quiet });
      await study.optimize(
        (trial) => {
          const x = trial.suggestFloat('x', 0, 1);
          expect(() => trial.report(x, 0)).toThrow(/one per objective/);
          return [x, 1 - x];
        },
        { nTrials: 4 },
      );
      expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE', 'COMPLETE']);
      expect(asked).toBe(0);
    });
  });
}

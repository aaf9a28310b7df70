import * as tune from '../../src';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quiet = { logger: tune.logging.silentLogger };

/**
 * Two objectives (accuracy up, size down): trial k reports accuracy curve `acc[k]` and a constant
 * size `size[k]` each step, and returns the last vector.
 */
function vectorObjective(acc: number[][], size: number[]) {
  return (trial: tune.Trial): number[] => {
    const curve = acc[trial.number] ?? [];
    const s = size[trial.number] ?? 0;
    let last: number[] = [];
    for (let step = 0; step < curve.length; step++) {
      last = [curve[step] as number, s];
      trial.report(last, step);
      if (trial.shouldPrune()) throw new tune.TrialPruned();
    }
    return last;
  };
}

describe('trial.report of a vector in a study of several objectives', () => {
  it('stores each vector whole and its first value as the intermediate value', async () => {
    const study = await tune.createStudy({ directions: ['maximize', 'minimize'], ...quiet });
    await study.optimize(vectorObjective([[0.5, 0.7, Number.NaN]], [100]), { nTrials: 1 });
    const t = study.trials[0] as tune.FrozenTrial;
    expect([...t.intermediateVectors.entries()]).toEqual([
      [0, [0.5, 100]],
      [1, [0.7, 100]],
      [2, [Number.NaN, 100]],
    ]);
    expect([...t.intermediateValues.entries()]).toEqual([
      [0, 0.5],
      [1, 0.7],
      [2, Number.NaN],
    ]);
  });

  it('refuses a number in a study of several objectives, a vector of the wrong length, and a vector for one objective', async () => {
    const two = await tune.createStudy({ directions: ['maximize', 'minimize'], ...quiet });
    const one = await tune.createStudy(quiet);
    const errors: string[] = [];
    const record = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        errors.push((e as Error).message);
      }
    };
    const t2 = await two.ask();
    record(() => t2.report(0.5, 0));
    record(() => t2.report([0.5, 1, 2], 0));
    const t1 = await one.ask();
    record(() => t1.report([0.5], 0));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/report\(value\).*an array of 2 numbers, one per objective/);
    expect(errors[1]).toMatch(/report\(value\).*an array of 2 numbers/);
    expect(errors[2]).toMatch(/report\(value\).*a number \(the study has one objective\)/);
  });

  it('survives a storage round trip (SQLite), NaN included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-vectors-'));
    const url = `sqlite:${join(dir, 'v.db')}`;
    try {
      const study = await tune.createStudy({
        directions: ['maximize', 'minimize'],
        storage: url,
        studyName: 'v',
        ...quiet,
      });
      await study.optimize(vectorObjective([[0.5, Number.NaN]], [7]), { nTrials: 1 });
      await study.storage.close();
      const again = await tune.loadStudy({ studyName: 'v', storage: url, ...quiet });
      const t = again.trials[0] as tune.FrozenTrial;
      expect([...t.intermediateVectors.entries()]).toEqual([
        [0, [0.5, 7]],
        [1, [Number.NaN, 7]],
      ]);
      await again.storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DominatedPruner', () => {
  it('prunes a trial dominated at a step by enough completed trials, never one better in some objective', async () => {
    const study = await tune.createStudy({
      directions: ['maximize', 'minimize'],
      pruner: new tune.pruners.DominatedPruner({ nStartupTrials: 2 }),
      ...quiet,
    });
    const acc = [
      [0.6, 0.8, 0.9],
      [0.5, 0.7, 0.85],
      [0.4, 0.5, 0.6], // worse accuracy and bigger than both: dominated
      [0.3, 0.4, 0.5], // worse accuracy but the smallest: kept
      [0.45, 0.6, 0.7], // dominated by trials 0 and 1 (2 of the 3 complete): pruned
      [0.55, 0.75, 0.88], // better than trial 1 at step 0: dominated by trial 0 only (1 of 3), kept
    ];
    const size = [100, 100, 200, 10, 200, 200];
    await study.optimize(vectorObjective(acc, size), { nTrials: 6 });
    expect(study.trials.map((t) => t.state)).toEqual([
      'COMPLETE',
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
      'PRUNED',
      'COMPLETE',
    ]);
    expect(study.trials[2]?.lastStep).toBe(0);
  });

  it('with minDominatedFraction 1 prunes only what every completed trial dominates', async () => {
    const study = await tune.createStudy({
      directions: ['maximize', 'minimize'],
      pruner: new tune.pruners.DominatedPruner({ nStartupTrials: 2, minDominatedFraction: 1 }),
      ...quiet,
    });
    const acc = [
      [0.6, 0.8],
      [0.5, 0.7],
      [0.55, 0.75],
      [0.1, 0.2],
    ];
    await study.optimize(vectorObjective(acc, [100, 100, 200, 300]), { nTrials: 4 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE', 'PRUNED']);
  });

  it('waits for the startup trials and the warm-up steps; prunes a NaN vector', async () => {
    const study = await tune.createStudy({
      directions: ['maximize', 'minimize'],
      pruner: new tune.pruners.DominatedPruner({ nStartupTrials: 1, nWarmupSteps: 1 }),
      ...quiet,
    });
    const acc = [
      [0.9, 0.9],
      [0.1, 0.1],
      [Number.NaN, Number.NaN],
    ];
    await study.optimize(vectorObjective(acc, [1, 2, 1]), { nTrials: 3 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'PRUNED', 'PRUNED']);
    expect(study.trials[1]?.lastStep).toBe(1);
    expect(study.trials[2]?.lastStep).toBe(1);
  });

  it('validates its options; scalar pruners name it in a study of several objectives', async () => {
    expect(() => new tune.pruners.DominatedPruner({ minDominatedFraction: 0 })).toThrow(
      /minDominatedFraction.*\(0, 1\]/,
    );
    expect(() => new tune.pruners.DominatedPruner({ nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    const study = await tune.createStudy({
      directions: ['maximize', 'minimize'],
      pruner: new tune.pruners.MedianPruner(),
      ...quiet,
    });
    await study.optimize(vectorObjective([[0.5]], [1]), { nTrials: 1 });
    expect(study.trials[0]?.state).toBe('FAIL');
    expect(study.trials[0]?.failReason).toMatch(/DominatedPruner/);
  });
});

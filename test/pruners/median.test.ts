import * as tune from '../../src';

const quiet = { logger: tune.logging.silentLogger };

/** Each trial reports a learning curve; curve k is offset by k so higher numbers are worse. */
function curveObjective(offsets: number[]) {
  return (trial: tune.Trial): number => {
    const offset = offsets[trial.number] ?? 0;
    let last = 0;
    for (let step = 0; step < 5; step++) {
      last = offset + 1 / (step + 1);
      trial.report(last, step);
      if (trial.shouldPrune()) throw new tune.TrialPruned();
    }
    return last;
  };
}

describe('MedianPruner', () => {
  it('prunes trials worse than the median of completed trials, after the startup trials', async () => {
    const study = await tune.createStudy({ pruner: new tune.pruners.MedianPruner({ nStartupTrials: 3 }), ...quiet });
    await study.optimize(curveObjective([0, 1, 2, 10, -1]), { nTrials: 5 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE', 'PRUNED', 'COMPLETE']);
    const pruned = study.trials[3];
    expect(pruned?.intermediateValues.size).toBe(1); // stopped at its first judged step
  });

  it('waits for nWarmupSteps and judges every intervalSteps', async () => {
    const study = await tune.createStudy({
      pruner: new tune.pruners.MedianPruner({ nStartupTrials: 1, nWarmupSteps: 2, intervalSteps: 2 }),
      ...quiet,
    });
    await study.optimize(curveObjective([0, 5]), { nTrials: 2 });
    expect(study.trials[1]?.state).toBe('PRUNED');
    expect(study.trials[1]?.lastStep).toBe(2);
  });

  it('for maximisation prunes the low side', async () => {
    const study = await tune.createStudy({
      direction: 'maximize',
      pruner: new tune.pruners.MedianPruner({ nStartupTrials: 2 }),
      ...quiet,
    });
    await study.optimize(curveObjective([5, 4, -10, 9]), { nTrials: 4 });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'PRUNED', 'COMPLETE']);
  });

  it('validates its options', () => {
    expect(() => new tune.pruners.MedianPruner({ intervalSteps: 0 })).toThrow(/intervalSteps/);
    expect(() => new tune.pruners.PercentilePruner(120)).toThrow(/percentile/);
  });
});

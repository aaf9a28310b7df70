import * as tune from '../../src';

const quiet = { logger: tune.logging.silentLogger };

async function run(seed: number, nTrials = 8): Promise<tune.Study> {
  const study = await tune.createStudy({ seed, ...quiet });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat('x', -5, 5);
      const n = trial.suggestInt('n', 1, 64, { log: true });
      const act = trial.suggestCategorical('act', ['relu', 'tanh', null]);
      return x * x + n + (act === 'relu' ? 1 : 0);
    },
    { nTrials },
  );
  return study;
}

describe('reproducibility', () => {
  it('one seed reproduces the same trials; another seed does not', async () => {
    const a = (await run(11)).trials.map((t) => t.params);
    const b = (await run(11)).trials.map((t) => t.params);
    const c = (await run(12)).trials.map((t) => t.params);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('reproduces the same trials at any concurrency', async () => {
    const objective = async (trial: tune.Trial): Promise<number> => {
      const x = trial.suggestFloat('x', 0, 1);
      await new Promise((r) => setTimeout(r, (trial.number * 7) % 5));
      return x + trial.suggestFloat('y', 0, 1);
    };
    const s1 = await tune.createStudy({ seed: 3, ...quiet });
    await s1.optimize(objective, { nTrials: 10 });
    const s4 = await tune.createStudy({ seed: 3, ...quiet });
    await s4.optimize(objective, { nTrials: 10, concurrency: 4 });
    expect(s4.trials.map((t) => t.params)).toEqual(s1.trials.map((t) => t.params));
  });
});

describe('failures are recorded and the study goes on', () => {
  it('throwing, NaN, non-number and wrong-arity objectives FAIL with the reason', async () => {
    const study = await tune.createStudy({ seed: 1, ...quiet });
    const outcomes: (() => unknown)[] = [
      () => {
        throw new Error('boom');
      },
      () => NaN,
      () => 'oops',
      () => [1, 2],
      () => 3,
    ];
    await study.optimize((trial) => outcomes[trial.number]?.() as number, { nTrials: 5 });
    const [t0, t1, t2, t3, t4] = study.trials;
    expect(t0?.state).toBe('FAIL');
    expect(t0?.failReason).toMatch(/boom/);
    expect(t1?.failReason).toMatch(/NaN/);
    expect(t2?.failReason).toMatch(/"oops".*not a number/);
    expect(t3?.failReason).toMatch(/2 value\(s\).*1 direction/);
    expect(t4?.state).toBe('COMPLETE');
    expect(study.bestValue).toBe(3);
  });

  it('logs errors not listed in catch, and is quiet about those listed', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    class Expected extends Error {}
    const study = await tune.createStudy({ seed: 1, logger });
    await study.optimize(
      (trial) => {
        throw trial.number === 0 ? new Expected('fine') : new TypeError('unexpected');
      },
      { nTrials: 2, catch: [Expected] },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/trial 1 failed: TypeError: unexpected/);
    expect(study.trials.map((t) => t.state)).toEqual(['FAIL', 'FAIL']);
  });

  it('TrialPruned gives PRUNED with intermediate values kept and the last one as value', async () => {
    const study = await tune.createStudy({ seed: 1, ...quiet });
    await study.optimize(
      (trial) => {
        trial.report(0.9, 0);
        trial.report(0.5, 1);
        throw new tune.TrialPruned();
      },
      { nTrials: 1 },
    );
    const t = study.trials[0];
    expect(t?.state).toBe('PRUNED');
    expect([...(t?.intermediateValues ?? new Map()).entries()]).toEqual([
      [0, 0.9],
      [1, 0.5],
    ]);
    expect(t?.values).toEqual([0.5]);
  });
});

describe('best trial', () => {
  it('bestValue of an empty study is a clear error', async () => {
    const study = await tune.createStudy({ studyName: 'empty', ...quiet });
    expect(() => study.bestValue).toThrow(tune.errors.NoCompletedTrialsError);
    expect(() => study.bestValue).toThrow(/"empty" has no completed trials/);
  });

  it('follows the direction', async () => {
    const study = await tune.createStudy({ direction: 'maximize', seed: 2, ...quiet });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 20 });
    const max = Math.max(...study.trials.map((t) => t.value as number));
    expect(study.bestValue).toBe(max);
    expect(study.bestParams['x']).toBe(max);
  });

  it('multi-objective: bestTrials is the Pareto front and bestTrial is an error', async () => {
    const study = await tune.createStudy({ directions: ['minimize', 'maximize'], ...quiet });
    const points = [
      [1, 1],
      [2, 3],
      [2, 2],
      [0, 0],
      [3, 3],
    ];
    await study.optimize((t) => points[t.number] as number[], { nTrials: points.length });
    expect(study.bestTrials.map((t) => t.number).sort()).toEqual([0, 1, 3]);
    expect(() => study.bestTrial).toThrow(/directions/);
  });
});

describe('define-by-run rules', () => {
  it('refuses a parameter suggested later with an incompatible distribution, naming both', async () => {
    const study = await tune.createStudy({ ...quiet });
    await study.optimize((t) => t.suggestFloat('lr', 1e-4, 1e-1, { log: true }), { nTrials: 1 });
    await study.optimize((t) => t.suggestInt('lr', 1, 3), { nTrials: 1 });
    const reason = study.trials[1]?.failReason ?? '';
    expect(reason).toMatch(/"lr"/);
    expect(reason).toMatch(/IntDistribution\(low=1, high=3/);
    expect(reason).toMatch(/FloatDistribution\(low=0.0001, high=0.1, log=true/);
  });

  it('returns the same value when a trial suggests a name twice', async () => {
    const study = await tune.createStudy({ ...quiet });
    const trial = await study.ask();
    const a = trial.suggestFloat('x', 0, 1);
    expect(trial.suggestFloat('x', 0, 1)).toBe(a);
    await study.tell(trial, a);
  });
});

describe('ask / tell / enqueue', () => {
  it('ask and tell by trial or number; tell validates values', async () => {
    const study = await tune.createStudy({ ...quiet });
    const a = await study.ask();
    const b = await study.ask();
    a.suggestFloat('x', 0, 1);
    await study.tell(a, 0.25);
    await study.tell(b.number, NaN);
    const pruned = await study.ask();
    pruned.report(3, 0);
    await study.tell(pruned, null, { state: 'PRUNED' });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'FAIL', 'PRUNED']);
    await expect(study.tell(a, 1)).rejects.toThrow(/trial 0 is already COMPLETE/);
  });

  it('a trial started while another runs sees every parameter the running one suggested', async () => {
    // Constant liar models running trials: a sampler must not see half of one's suggestions.
    const study = await tune.createStudy({ seed: 3, ...quiet });
    const a = await study.ask();
    a.suggestFloat('x', 0, 1);
    a.suggestInt('n', 1, 8);
    a.suggestCategorical('act', ['relu', 'tanh']);
    await study.ask();
    const seen = study.getTrials({ states: ['RUNNING'] }).find((t) => t.number === a.number);
    expect(Object.keys(seen?.params ?? {}).sort()).toEqual(['act', 'n', 'x']);
  });

  it('enqueued trials run first with their fixed values; others are sampled', async () => {
    const study = await tune.createStudy({ seed: 4, ...quiet });
    await study.enqueueTrial({ x: 0.5, act: 'tanh' });
    await study.enqueueTrial({ x: 0.5, act: 'tanh' }, { skipIfExists: true });
    await study.optimize(
      (t) =>
        t.suggestFloat('x', 0, 1) +
        t.suggestFloat('y', 0, 1) +
        (t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? 1 : 0),
      { nTrials: 3 },
    );
    expect(study.trials[0]?.params['x']).toBe(0.5);
    expect(study.trials[0]?.params['act']).toBe('tanh');
    expect(study.trials).toHaveLength(3);
    expect(study.trials[1]?.params['x']).not.toBe(0.5);
  });

  it('an enqueued value outside the distribution fails that trial with the parameter named', async () => {
    const study = await tune.createStudy({ ...quiet });
    await study.enqueueTrial({ x: 5 });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    expect(study.trials[0]?.failReason).toMatch(/enqueued parameter "x".*got 5/);
  });
});

describe('optimize options', () => {
  it('refuses bad options before running anything', async () => {
    const study = await tune.createStudy({ ...quiet });
    const objective = jest.fn(() => 1);
    await expect(study.optimize(objective, { nTrials: -1 })).rejects.toThrow(/nTrials/);
    await expect(study.optimize(objective, { concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(study.optimize(objective, { nTrial: 3 } as never)).rejects.toThrow(/nTrial/);
    expect(objective).not.toHaveBeenCalled();
  });

  it('stops at the timeout', async () => {
    const study = await tune.createStudy({ ...quiet });
    const t0 = Date.now();
    await study.optimize(
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        return 1;
      },
      { timeout: 0.2 },
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(study.trials.length).toBeGreaterThan(2);
  });

  it('runs objectives concurrently when asked', async () => {
    const study = await tune.createStudy({ ...quiet });
    let inFlight = 0;
    let peak = 0;
    await study.optimize(
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return 0;
      },
      { nTrials: 8, concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(study.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('callbacks see each stored trial and may stop the study', async () => {
    const study = await tune.createStudy({ ...quiet });
    const seen: number[] = [];
    await study.optimize(() => 1, {
      nTrials: 10,
      callbacks: [
        (s, t) => {
          seen.push(t.number);
          if (t.number === 2) s.stop();
        },
      ],
    });
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('createStudy validation', () => {
  it('names the bad field', async () => {
    await expect(tune.createStudy({ direction: 'down' as never })).rejects.toThrow(
      /direction.*'minimize' or 'maximize'/,
    );
    await expect(tune.createStudy({ direction: 'minimize', directions: ['minimize'] })).rejects.toThrow(/not both/);
    await expect(tune.createStudy({ storage: 'mysql://x' })).rejects.toThrow(/storage.*sqlite:PATH/);
    await expect(tune.createStudy({ seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(tune.createStudy({ sampeler: 1 } as never)).rejects.toThrow(/sampeler/);
  });
});

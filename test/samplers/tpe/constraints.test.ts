import * as tune from '../../../src';
import { splitTrials } from '../../../src/samplers/tpe/split';
import { describeSamplerContract } from '../../../src/testing';
import { FrozenTrial } from '../../../src/trial/frozen-trial';

describeSamplerContract(
  'TPESampler with constraintsFunc',
  (seed) => new tune.samplers.TPESampler({ seed, multivariate: true, constraintsFunc: () => [0] }),
);

function trial(number: number, value: number, constraints?: number[]): FrozenTrial {
  return new FrozenTrial({
    trialId: number,
    number,
    state: 'COMPLETE',
    values: [value],
    params: {},
    distributions: {},
    intermediateValues: new Map(),
    userAttrs: {},
    systemAttrs: constraints === undefined ? {} : { constraints },
    datetimeStart: null,
    datetimeComplete: null,
  });
}

describe('constrained TPE', () => {
  it('the good group takes feasible trials first, then infeasible ones by total violation', () => {
    const trials = [trial(0, 0, [2]), trial(1, 5, [0]), trial(2, 1, [0.5, -1]), trial(3, 9, [-1]), trial(4, -1)];
    const split = splitTrials(trials, ['minimize'], 3, true);
    // Feasible: 1, 3; then infeasible by violation: 2 (0.5), 0 (2), and 4 last (no constraints
    // recorded, Optuna's infinite score).
    expect(split.below.map((t) => t.number)).toEqual([1, 2, 3]);
    expect(split.above.map((t) => t.number)).toEqual([0, 4]);
    // Unconstrained, the values alone decide.
    expect(splitTrials(trials, ['minimize'], 3).below.map((t) => t.number)).toEqual([0, 2, 4]);
  });

  it('finds the constrained optimum: min x² + y² subject to x + y >= 1 (0.5 at x = y = 0.5)', async () => {
    const objective = (t: tune.Trial): number => {
      const x = t.suggestFloat('x', -1, 2);
      const y = t.suggestFloat('y', -1, 2);
      return x * x + y * y;
    };
    const constraintsFunc = (t: tune.FrozenTrial): number[] => [
      1 - (t.params['x'] as number) - (t.params['y'] as number),
    ];
    const late = async (sampler: tune.samplers.Sampler): Promise<{ best: number; feasible: number }> => {
      const study = await tune.createStudy({ sampler, seed: 1, logger: tune.logging.silentLogger });
      await study.optimize(objective, { nTrials: 80 });
      const tail = study.trials.slice(40);
      const ok = tail.filter((t) => (t.params['x'] as number) + (t.params['y'] as number) >= 1);
      const feasible = study.trials.filter((t) => (t.params['x'] as number) + (t.params['y'] as number) >= 1);
      return { best: Math.min(...feasible.map((t) => t.value as number)), feasible: ok.length / tail.length };
    };
    const constrained = await late(new tune.samplers.TPESampler({ seed: 2, multivariate: true, constraintsFunc }));
    const plain = await late(new tune.samplers.TPESampler({ seed: 2, multivariate: true }));
    expect(constrained.best).toBeLessThan(0.65);
    expect(constrained.feasible).toBeGreaterThan(plain.feasible + 0.2);
  });
});

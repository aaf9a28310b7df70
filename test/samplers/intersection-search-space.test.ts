import * as tune from '../../src';
import { IntersectionSearchSpace } from '../../src/samplers/intersection-search-space';
import { GroupDecomposedSearchSpace } from '../../src/samplers/tpe/search-space';

const quiet = { logger: tune.logging.silentLogger };

function conditional(trial: tune.Trial): number {
  const x = trial.suggestFloat('x', 0, 1);
  const branch = trial.suggestCategorical('branch', ['a', 'b']);
  if (branch === 'a') return x + trial.suggestFloat('a_lr', 1e-4, 1, { log: true });
  return x + trial.suggestInt('b_n', 1, 8) + trial.suggestInt('b_m', 1, 8);
}

describe('IntersectionSearchSpace', () => {
  it('is empty before any trial finishes, then the parameters every trial used, sorted', async () => {
    const study = await tune.createStudy({ seed: 1, ...quiet });
    const space = new IntersectionSearchSpace();
    expect(space.calculate(study)).toEqual({});
    await study.optimize(conditional, { nTrials: 12 });
    expect(Object.keys(space.calculate(study))).toEqual(['branch', 'x']);
  });

  it('drops a parameter whose range changed; counts PRUNED trials only when asked', async () => {
    const study = await tune.createStudy({ seed: 1, ...quiet });
    await study.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, t.number < 3 ? 1 : 2), {
      nTrials: 5,
    });
    expect(Object.keys(new IntersectionSearchSpace().calculate(study))).toEqual(['x']);
    const other = await tune.createStudy({ seed: 1, ...quiet });
    await other.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1), { nTrials: 3 });
    await other.optimize(
      (t) => {
        t.suggestFloat('x', 0, 1);
        throw new tune.TrialPruned();
      },
      { nTrials: 1 },
    );
    expect(Object.keys(new IntersectionSearchSpace().calculate(other))).toEqual(['x', 'y']);
    expect(Object.keys(new IntersectionSearchSpace({ includePruned: true }).calculate(other))).toEqual(['x']);
  });

  it('updates incrementally as trials finish, and starts over for another study', async () => {
    const space = new IntersectionSearchSpace();
    const a = await tune.createStudy({ seed: 1, ...quiet });
    await a.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1), { nTrials: 3 });
    expect(Object.keys(space.calculate(a))).toEqual(['x', 'y']);
    await a.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 1 });
    expect(Object.keys(space.calculate(a))).toEqual(['x']);
    const b = await tune.createStudy({ seed: 1, ...quiet });
    await b.optimize((t) => t.suggestFloat('y', 0, 1), { nTrials: 1 });
    expect(Object.keys(space.calculate(b))).toEqual(['y']);
  });
});

describe('GroupDecomposedSearchSpace', () => {
  it('splits a conditional space into groups of parameters always used together', async () => {
    const study = await tune.createStudy({ seed: 2, ...quiet });
    await study.optimize(conditional, { nTrials: 20 });
    const groups = new GroupDecomposedSearchSpace().calculate(study).map((g) => Object.keys(g));
    expect(groups).toEqual([['a_lr'], ['b_m', 'b_n'], ['branch', 'x']]);
  });
});

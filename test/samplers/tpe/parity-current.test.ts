import * as tune from '../../../src';
import { Rng } from '../../../src/random/rng';
import type { ParamValue } from '../../../src/space/distributions';
import { TPESampler } from '../../../src/samplers/tpe/sampler';
import fixtures from './fixtures/parity-current.json';

/**
 * Parity with current Optuna's TPE (5.0.0.dev, the commit in the fixture): the same history of
 * trials, some still RUNNING (constant liar, on by default), and the uniforms Optuna drew for the
 * next trial; fed those uniforms in order, our sampler must suggest the same values, univariate
 * and multivariate; histories drawn at random, and histories Optuna's own TPE made (branin and
 * Hartmann 6-D, up to 99 trials). Fixtures from benchmarks/samplers/tpe_parity_current.py.
 */

interface Scenario {
  readonly name: string;
  readonly space: 'branin' | 'mixed' | 'h6';
  readonly multivariate: boolean;
  readonly uniforms: number[];
  readonly trials: { params: Record<string, ParamValue>; value: number | null }[];
  readonly expected: Record<string, ParamValue>;
}

type Suggest = (t: tune.Trial) => Record<string, ParamValue>;

const SPACES: Record<Scenario['space'], Suggest> = {
  h6: (t) => Object.fromEntries([0, 1, 2, 3, 4, 5].map((i) => [`x${i}`, t.suggestFloat(`x${i}`, 0, 1)])),
  branin: (t) => ({ x1: t.suggestFloat('x1', -5, 10), x2: t.suggestFloat('x2', 0, 15) }),
  mixed: (t) => ({
    lr: t.suggestFloat('lr', 1e-5, 1, { log: true }),
    units: t.suggestInt('units', 8, 512, { log: true }),
    layers: t.suggestInt('layers', 1, 6),
    dropout: t.suggestFloat('dropout', 0, 0.5, { step: 0.05 }),
    act: t.suggestCategorical('act', ['relu', 'tanh', 'gelu']),
    x: t.suggestFloat('x', -3, 3),
  }),
};

afterEach(() => jest.restoreAllMocks());

describe('TPESampler parity with current Optuna (given its uniforms, its suggestions)', () => {
  it('the fixtures name the Optuna they came from', () => {
    expect(fixtures.optuna).toBe('5.0.0.dev');
    expect(fixtures.optuna_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fixtures.scenarios.length).toBeGreaterThanOrEqual(38);
  });

  it.each((fixtures.scenarios as Scenario[]).map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const suggest = SPACES[scenario.space];
    const sampler = new TPESampler({ seed: 0, multivariate: scenario.multivariate });
    const study = await tune.createStudy({ sampler, seed: 0, logger: tune.logging.silentLogger });
    for (const past of scenario.trials) {
      await study.enqueueTrial(past.params);
      const trial = await study.ask();
      suggest(trial);
      if (past.value !== null) await study.tell(trial, past.value);
    }
    const queue = scenario.uniforms.slice();
    jest.spyOn(Rng.prototype, 'next').mockImplementation(() => {
      const u = queue.shift();
      if (u === undefined) throw new Error('the sampler drew more uniforms than Optuna did');
      return u;
    });
    const params = suggest(await study.ask());
    expect(queue).toHaveLength(0);
    for (const [name, want] of Object.entries(scenario.expected)) {
      const got = params[name];
      if (typeof want === 'number') expect(got).toBeCloseTo(want, 9);
      else expect(got).toBe(want);
    }
  });
});

import * as tune from '../../src';
import { HyperParameters } from '../../src/tuners/hyperparameters';
import { enumerateGrid } from '../../src/tuners/grid-enumerator';

const quiet = { logger: tune.logging.silentLogger };

function space(hp: HyperParameters): Record<string, unknown> {
  const kind = hp.Choice('kind', ['mlp', 'linear']);
  hp.Int('units', 16, 128, { step: 16 });
  hp.Float('lr', 1e-4, 1e-1, { sampling: 'log' });
  hp.Boolean('bn');
  hp.Fixed('seed_const', 7);
  hp.conditionalScope('kind', ['mlp'], () => hp.Int('layers', 1, 3));
  return { kind };
}

describe('HyperParameters (KerasTuner hp)', () => {
  it('respects bounds, steps, log sampling and conditionals', async () => {
    const study = await tune.createStudy({ seed: 5, ...quiet });
    await study.optimize(
      (trial) => {
        const hp = new HyperParameters(trial);
        space(hp);
        const v = hp.values;
        expect([16, 32, 48, 64, 80, 96, 112, 128]).toContain(v['units']);
        expect(v['lr']).toBeGreaterThanOrEqual(1e-4);
        expect(v['lr']).toBeLessThanOrEqual(1e-1);
        expect(typeof v['bn']).toBe('boolean');
        expect(v['seed_const']).toBe(7);
        expect('layers' in v).toBe(v['kind'] === 'mlp');
        return 0;
      },
      { nTrials: 30 },
    );
    const logLr = study.trials.map((t) => Math.log10(t.params['lr'] as number));
    expect(logLr.filter((x) => x < -2.5).length).toBeGreaterThan(6); // log sampling: half the draws below 10^-2.5
    expect(study.trials.some((t) => t.params['kind'] === 'linear' && !('layers' in t.params))).toBe(true);
  });

  it('is reproducible with a seed', async () => {
    const run = async (seed: number): Promise<unknown[]> => {
      const study = await tune.createStudy({ seed, ...quiet });
      await study.optimize((t) => (space(new HyperParameters(t)), 0), { nTrials: 5 });
      return study.trials.map((t) => t.params);
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
  });

  it('names the field in its errors', async () => {
    const study = await tune.createStudy({ ...quiet });
    const trial = await study.ask();
    const hp = new HyperParameters(trial);
    expect(() => hp.Float('lr', 1, 0)).toThrow(/lr\.low/);
    expect(() => hp.Int('n', 1, 10, { sampling: 'exp' as never })).toThrow(/n\.sampling/);
    expect(() => hp.conditionalScope('missing', [1], () => 0)).toThrow(/conditionalScope\(parent\).*"missing"/);
  });
});

describe('grid enumeration of a define-by-run space', () => {
  it('enumerates conditional branches exactly', async () => {
    const points = await enumerateGrid((api) => {
      const hp = new HyperParameters(api);
      hp.Choice('kind', ['mlp', 'linear']);
      hp.Boolean('bn');
      hp.conditionalScope('kind', ['mlp'], () => hp.Int('layers', 1, 3));
    });
    // mlp: 2 (bn) x 3 (layers) = 6; linear: 2 (bn) = 2
    expect(points).toHaveLength(8);
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(8);
    expect(points.filter((p) => p['kind'] === 'linear').every((p) => !('layers' in p))).toBe(true);
  });

  it('refuses a continuous float, naming it', async () => {
    await expect(enumerateGrid((api) => new HyperParameters(api).Float('lr', 1e-3, 1e-1))).rejects.toThrow(
      /"lr".*step/,
    );
  });
});

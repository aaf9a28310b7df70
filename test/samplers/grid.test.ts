import * as tune from '../../src';
import { describeSamplerContract } from '../../src/testing';

const quiet = { logger: tune.logging.silentLogger };

describeSamplerContract('GridSampler', (seed, space) => new tune.samplers.GridSampler(space, { seed }));

describe('GridSampler', () => {
  const space = { lr: [0.001, 0.01, 0.1], units: [16, 32], act: ['relu', 'tanh'] };

  it('visits every point exactly once and then stops the study', async () => {
    const study = await tune.createStudy({ sampler: new tune.samplers.GridSampler(space), seed: 3, ...quiet });
    await study.optimize(
      (t) =>
        t.suggestFloat('lr', 1e-4, 1, { log: true }) * t.suggestInt('units', 8, 64) +
        (t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? 0 : 1),
      { nTrials: 100 },
    );
    expect(study.trials).toHaveLength(12);
    const keys = study.trials.map((t) => JSON.stringify([t.params['lr'], t.params['units'], t.params['act']]));
    expect(new Set(keys).size).toBe(12);
    // A second optimize on an exhausted grid runs nothing.
    await study.optimize(() => 0, { nTrials: 5 });
    expect(study.trials).toHaveLength(12);
  });

  it('orders points by the seed, reproducibly', async () => {
    const order = async (seed: number): Promise<unknown[]> => {
      const study = await tune.createStudy({
        sampler: new tune.samplers.GridSampler({ x: [1, 2, 3, 4, 5, 6] }, { seed }),
        ...quiet,
      });
      await study.optimize((t) => t.suggestInt('x', 1, 6), { nTrials: 6 });
      return study.trials.map((t) => t.params['x']);
    };
    expect(await order(1)).toEqual(await order(1));
    expect(await order(1)).not.toEqual(await order(2));
  });

  it('fails a trial that asks for a parameter outside the grid, naming it', async () => {
    const study = await tune.createStudy({ sampler: new tune.samplers.GridSampler({ x: [1, 2] }), ...quiet });
    await study.optimize((t) => t.suggestInt('x', 1, 2) + t.suggestFloat('y', 0, 1), { nTrials: 1 });
    expect(study.trials[0]?.failReason).toMatch(/"y" is not in the grid/);
  });

  it('refuses malformed grids', () => {
    expect(() => new tune.samplers.GridSampler({})).toThrow(/at least one parameter/);
    expect(() => new tune.samplers.GridSampler({ x: [] })).toThrow(/searchSpace\.x/);
    expect(() => new tune.samplers.GridSampler({ x: [{}] as never })).toThrow(/searchSpace\.x/);
  });
});

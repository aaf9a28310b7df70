import * as tune from '../../src';
import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { auto } from '../../models/auto';
import { samplerFor } from '../../src/cli/config/resolve';
import { validateConfig } from '../../src/cli/config/schema';
import { configuredSpace } from '../../src/cli/config/space';

const data = syntheticCifar({ nTrain: 8, nVal: 4, seed: 0, classes: 2 });

/** A cheap objective over auto's space (no training): the family and its learning rate decide the value. */
function objectiveOver(space: (trial: tune.Trial) => tune.Params): (trial: tune.Trial) => number {
  return (trial) => {
    const p = space(trial);
    return (p['model'] === 'cnn' ? 1 : 0) + Math.log10(p['learning_rate'] as number);
  };
}

describe('model: auto under every config method', () => {
  beforeAll(async () => {
    await tune.initBackend(); // the GP sampler runs on tfjs ops
  });

  it.each(['random', 'tpe', 'qmc', 'gp', 'cmaes', 'evolution'] as const)(
    '%s: every trial completes, with its family’s parameters only, and a seed repeats the study',
    async (method) => {
      const config = validateConfig(
        { model: 'auto', dataset: 'synthetic-cifar', method, seed: 4 },
        { studyFromFile: 'x' },
      );
      const model = auto(data);
      const run = async (): Promise<tune.FrozenTrial[]> => {
        const study = await tune.createStudy({
          direction: 'maximize',
          seed: 4,
          sampler: samplerFor(config),
          logger: tune.logging.silentLogger,
        });
        await study.optimize(objectiveOver(configuredSpace(model, config)), { nTrials: 12 });
        return study.trials;
      };
      const trials = await run();
      expect(trials.map((t) => t.state)).toEqual(new Array(12).fill('COMPLETE'));
      expect(new Set(trials.map((t) => t.params['model']))).toEqual(new Set(['cnn', 'mlp']));
      for (const t of trials) {
        const family = t.params['model'] as string;
        for (const name of Object.keys(t.params))
          if (name !== 'model') expect(name.startsWith(`${family}.`)).toBe(true);
      }
      expect((await run()).map((t) => t.params)).toEqual(trials.map((t) => t.params));
    },
  );

  it('grid: walks the listed families and values, every other parameter at its family’s default', async () => {
    const config = validateConfig(
      {
        model: 'auto',
        dataset: 'synthetic-cifar',
        method: 'grid',
        parameters: { model: { values: ['cnn', 'mlp'] }, 'cnn.filters': { values: [8, 16] } },
      },
      { studyFromFile: 'x' },
    );
    const study = await tune.createStudy({
      direction: 'maximize',
      sampler: samplerFor(config),
      logger: tune.logging.silentLogger,
    });
    const model = auto(data);
    await study.optimize(objectiveOver(configuredSpace(model, config)), { nTrials: 10 });
    const complete = study.getTrials({ states: ['COMPLETE'] });
    const seen = new Set(complete.map((t) => `${String(t.params['model'])}/${String(t.params['cnn.filters'] ?? '-')}`));
    expect(seen).toEqual(new Set(['cnn/8', 'cnn/16', 'mlp/-']));
    const mlpTrial = complete.find((t) => t.params['model'] === 'mlp');
    expect(mlpTrial?.params['mlp.learning_rate']).toBe(model.defaults['mlp.learning_rate']);
  });
});

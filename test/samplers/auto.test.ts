import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { AutoSampler } from '../../src/samplers/auto';
import { GPSampler } from '../../src/samplers/gp';
import { NSGAIISampler } from '../../src/samplers/nsgaii/sampler';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import { describeSamplerContract } from '../../src/testing';

const quiet = { logger: tune.logging.silentLogger };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => jest.restoreAllMocks());

describeSamplerContract('AutoSampler', (seed) => new AutoSampler({ seed, nsgaiiAfterTrials: 6, populationSize: 4 }), {
  nTrials: 12,
});

/**
 * Which sub-sampler each trial went to, in trial order (each is asked for the trial's joint space);
 * `bred` gets the trials whose NSGA-II joint sample had values (empty until it has parents).
 */
function recordChoices(bred: number[] = []): string[] {
  const calls: string[] = [];
  for (const [name, cls] of [
    ['gp', GPSampler],
    ['tpe', TPESampler],
    ['nsgaii', NSGAIISampler],
  ] as const) {
    // Each class declares its own; through the contract's signature, the trial is the second argument.
    const proto = cls.prototype as tune.samplers.Sampler;
    const original = proto.inferRelativeSearchSpace;
    jest.spyOn(proto, 'inferRelativeSearchSpace').mockImplementation(function (this: unknown, study, trial) {
      calls[trial.number] = name;
      return original.call(this, study, trial);
    });
  }
  const sample = NSGAIISampler.prototype.sampleRelative;
  jest.spyOn(NSGAIISampler.prototype, 'sampleRelative').mockImplementation(function (this: unknown, ...args) {
    const out = sample.apply(this, args);
    if (Object.keys(out).length > 0) bred.push(args[1].number);
    return out;
  });
  return calls;
}

async function study(sampler: AutoSampler, directions: tune.StudyDirection[] = ['minimize']): Promise<tune.Study> {
  return tune.createStudy({ sampler, seed: 0, directions, ...quiet });
}

describe('AutoSampler chooses by the space, the budget and the objectives', () => {
  it('one objective, numerical space: the GP while few trials are complete, TPE after (and the GP models all)', async () => {
    const baseline = tf.memory().numTensors;
    const calls = recordChoices();
    const sampler = new AutoSampler({ seed: 1, gpMaxTrials: 10 });
    const s = await study(sampler);
    await s.optimize((t) => (t.suggestFloat('x', -2, 2) - 1) ** 2 + t.suggestInt('n', 1, 8) / 8, { nTrials: 12 });
    // Trials 0..10 see at most 10 complete ones (the GP's Sobol' start, then its model at trial
    // 10); with 11 complete, TPE models every trial, the GP's included.
    expect(calls).toEqual([...new Array(11).fill('gp'), 'tpe']);
    expect(sampler.choose(s)).toBe('tpe');
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a categorical parameter: TPE from the first trial on that shows it', async () => {
    const calls = recordChoices();
    const sampler = new AutoSampler({ seed: 2 });
    const s = await study(sampler);
    expect(sampler.choose(s)).toBe('gp'); // nothing known yet
    await s.optimize(
      (t) => t.suggestFloat('x', 0, 1) + (t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? 0 : 1),
      { nTrials: 12 },
    );
    expect(calls).toEqual(['gp', ...new Array(11).fill('tpe')]);
  });

  it('a conditional space: TPE once finished trials used different parameters', async () => {
    const calls = recordChoices();
    const s = await study(new AutoSampler({ seed: 2 }));
    await s.optimize((t) => (t.suggestFloat('x', 0, 1) < 0.5 ? t.suggestFloat('y', 0, 1) : 1), { nTrials: 12 });
    const shapes = s.trials.map((t) => Object.keys(t.params).length);
    const firstMixed = shapes.findIndex((n) => n !== shapes[0]);
    expect(firstMixed).toBeGreaterThan(0);
    expect(calls).toEqual([...new Array(firstMixed + 1).fill('gp'), ...new Array(11 - firstMixed).fill('tpe')]);
  });

  it('constraints: TPE with them, whatever the space', async () => {
    const sampler = new AutoSampler({ seed: 3, constraintsFunc: (t) => [(t.params['x'] as number) - 0.5] });
    const s = await study(sampler);
    await s.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 3 });
    expect(sampler.choose(s)).toBe('tpe');
    expect(s.trials.every((t) => Array.isArray(t.systemAttrs['constraints']))).toBe(true);
  });

  it("several objectives: MOTPE, then NSGA-II bred from the earlier trials' generations", async () => {
    const bred: number[] = [];
    const calls = recordChoices(bred);
    const sampler = new AutoSampler({ seed: 4, nsgaiiAfterTrials: 12, populationSize: 4 });
    const s = await study(sampler, ['minimize', 'minimize']);
    await s.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        const y = t.suggestFloat('y', 0, 1);
        return [x + y, (1 - x) ** 2 + y];
      },
      { nTrials: 16 },
    );
    expect(calls).toEqual([...new Array(12).fill('tpe'), ...new Array(4).fill('nsgaii')]);
    // Three generations of four, all suggested by TPE, stand complete when NSGA-II takes over, and
    // its own first generation is not complete before trial 16: every child it bred (a mutated
    // parameter is left to random, so not every trial has one) came from TPE's trials.
    expect(bred.length).toBeGreaterThan(0);
  });
});

describe('AutoSampler reproducibility and options', () => {
  const run = async (seed: number): Promise<unknown[]> => {
    const s = await study(new AutoSampler({ seed, gpMaxTrials: 10 }));
    await s.optimize((t) => t.suggestFloat('x', -1, 1) ** 2 + t.suggestFloat('y', -1, 1) ** 2, { nTrials: 12 });
    return s.trials.map((t) => t.params);
  };

  it('one seed reproduces the study across the switch; another seed does not', async () => {
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
  });

  it('follows the study seed when given none', async () => {
    const params = async (studySeed: number): Promise<unknown[]> => {
      const s = await tune.createStudy({ sampler: new AutoSampler(), seed: studySeed, ...quiet });
      await s.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 3 });
      return s.trials.map((t) => t.params);
    };
    expect(await params(5)).toEqual(await params(5));
    expect(await params(6)).not.toEqual(await params(5));
  });

  it('refuses bad options, naming the field and the allowed values', () => {
    expect(() => new AutoSampler({ gpMaxTrials: -1 })).toThrow(/gpMaxTrials.*an integer >= 0/);
    expect(() => new AutoSampler({ nsgaiiAfterTrials: 2.5 })).toThrow(/nsgaiiAfterTrials.*an integer >= 0/);
    expect(() => new AutoSampler({ gpMaxtrials: 3 } as never)).toThrow(/AutoSampler options.gpMaxtrials.*one of seed/);
    expect(() => new AutoSampler({ constraintsFunc: 3 } as never)).toThrow(/constraintsFunc.*a function of a trial/);
    expect(() => new AutoSampler({ populationSize: 1 })).toThrow(/populationSize/);
  });
});

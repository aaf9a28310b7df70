import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { GPSampler } from '../../src/samplers/gp';
import { hypervolume } from '../../src/samplers/hypervolume/exact';
import { RandomSampler } from '../../src/samplers/random';
import { useBackend } from '../gp/helpers';

beforeAll(async () => {
  await useBackend('wasm');
});

/** ZDT1 on 3 variables: front f2 = 1 - sqrt(f1), both minimised, in [0, 1] x [0, ~4]. */
function zdt1(t: tune.Trial): number[] {
  const x = [0, 1, 2].map((i) => t.suggestFloat(`x${i}`, 0, 1));
  const f1 = x[0] as number;
  const g = 1 + (9 / 2) * ((x[1] as number) + (x[2] as number));
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

async function run(sampler: tune.samplers.Sampler, nTrials: number, seed: number): Promise<tune.Study> {
  const study = await tune.createStudy({
    sampler,
    directions: ['minimize', 'minimize'],
    seed,
    logger: tune.logging.silentLogger,
  });
  await study.optimize(zdt1, { nTrials });
  return study;
}

const hv = (s: tune.Study): number =>
  hypervolume(
    s.trials.map((t) => t.values ?? []),
    [1.1, 1.1],
  );

describe('GPSampler with several objectives (LogEHVI)', () => {
  it('finds more hypervolume on ZDT1 in 20 trials than random search in 60', async () => {
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    const gp = await run(new GPSampler({ nStartupTrials: 8, nCandidates: 256, logger }), 20, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(warnings).toEqual([]);
    const random = await run(new RandomSampler(), 60, 1);
    expect(hv(gp)).toBeGreaterThan(hv(random) + 0.05);
  });

  it('is reproducible with the study seed', async () => {
    const a = await run(new GPSampler({ nStartupTrials: 4, nCandidates: 64 }), 7, 3);
    const b = await run(new GPSampler({ nStartupTrials: 4, nCandidates: 64 }), 7, 3);
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
  });
});

import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../../src/errors';
import { Rng } from '../../src/random/rng';
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  type Distribution,
  type ParamValue,
} from '../../src/space/distributions';
import { sampleUniform } from '../../src/space/sample-uniform';
import { perturbExplorer, type ExploreContext, type IntervalRecord } from '../../src/schedulers/pbt/explorer';
import type { PBTParams } from '../../src/schedulers/pbt/member';
import { SearchSpaceEncoding } from '../../src/gp/search-space-encoding';
import { pb2Dataset, Y_CLIP } from '../../src/schedulers/pb2/pb2-data';
import { pb2Beta, pb2Explorer } from '../../src/schedulers/pb2/pb2-explorer';
import { useBackend } from '../gp/helpers';

/**
 * A run's history as PBT records it: `members` members, intervals of 4 steps, each with parameters
 * drawn from the space and a reward change per step of `gain(params)` plus a little noise.
 */
function history(
  space: Readonly<Record<string, Distribution>>,
  gain: (params: PBTParams) => number,
  intervals: number,
  seed = 0,
  members = 4,
): IntervalRecord[] {
  const rng = new Rng(seed);
  const rewards = new Array<number>(members).fill(Number.NaN);
  const out: IntervalRecord[] = [];
  for (let i = 0; i < intervals; i++) {
    const member = i % members;
    const fromStep = 4 * Math.floor(i / members);
    const params: Record<string, ParamValue> = { keep: 'me' };
    for (const name of Object.keys(space).sort()) params[name] = sampleUniform(space[name] as Distribution, rng);
    const before = rewards[member] as number;
    const after = (Number.isNaN(before) ? 0 : before) + 4 * (gain(params) + 0.05 * rng.normal());
    out.push({ member, fromStep, toStep: fromStep + 4, params, rewardBefore: before, rewardAfter: after });
    rewards[member] = after;
  }
  return out;
}

function contextOf(
  space: Readonly<Record<string, Distribution>>,
  records: IntervalRecord[],
  params: PBTParams,
  seed: number,
): ExploreContext {
  const last = records[records.length - 1] as IntervalRecord;
  return {
    member: 0,
    step: last.toStep,
    params,
    mutations: space,
    history: records,
    reward: last.rewardAfter,
    rng: new Rng(seed),
  };
}

describe('PB2 explorer', () => {
  beforeAll(async () => useBackend('cpu'));

  const mixed: Record<string, Distribution> = {
    f: new FloatDistribution(-1, 1),
    lg: new FloatDistribution(1e-4, 1e-1, true),
    i: new IntDistribution(1, 9),
    s: new FloatDistribution(0, 2, false, 0.25),
    c: new CategoricalDistribution(['relu', 'tanh', 'gelu']),
  };
  const mixedGain = (p: PBTParams) =>
    -((p.f as number) ** 2) + Math.log10(p.lg as number) / 4 + (p.c === 'tanh' ? 0.5 : 0);
  const mixedHistory = history(mixed, mixedGain, 24);
  const start: PBTParams = { f: 0.9, lg: 0.05, i: 9, s: 2, c: 'relu', keep: 'me' };

  it('keeps every type inside its distribution (float, log, int, step, categorical) and other params unchanged', async () => {
    const before = tf.memory().numTensors;
    for (const seed of [1, 2]) {
      const out = await pb2Explorer()(contextOf(mixed, mixedHistory, start, seed));
      expect(out.keep).toBe('me');
      for (const [name, d] of Object.entries(mixed)) {
        const v = out[name] as ParamValue;
        expect(d.containsInternal(d.toInternal(v))).toBe(true);
      }
      expect(Number.isInteger(out.i)).toBe(true);
      expect(Number.isInteger((out.s as number) / 0.25)).toBe(true);
      expect(['relu', 'tanh', 'gelu']).toContain(out.c);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same rng gives the same parameters', async () => {
    const explorer = pb2Explorer();
    const a = await explorer(contextOf(mixed, mixedHistory, start, 7));
    const b = await explorer(contextOf(mixed, mixedHistory, start, 7));
    expect(b).toEqual(a);
  });

  it('proposes near the region where the reward change peaks; perturbation from far away does not', async () => {
    const space = { lr: new FloatDistribution(1e-4, 1e-1, true) };
    // Reward change per step peaks at lr = 3e-3 (a Gaussian bump in log10 lr).
    const gain = (p: PBTParams) => Math.exp(-(((Math.log10(p.lr as number) - Math.log10(3e-3)) / 0.4) ** 2));
    const records = history(space, gain, 32);
    const from: PBTParams = { lr: 0.05 };
    const near = (p: PBTParams) => Math.abs(Math.log10(p.lr as number) - Math.log10(3e-3)) < 0.3;
    const seeds = [1, 2, 3, 4];
    const pb2: PBTParams[] = [];
    const pbt: PBTParams[] = [];
    for (const s of seeds) {
      pb2.push(await pb2Explorer()(contextOf(space, records, from, s)));
      pbt.push(await perturbExplorer()(contextOf(space, records, from, s)));
    }
    expect(pb2.filter(near)).toHaveLength(seeds.length);
    expect(pbt.filter(near).length).toBeLessThanOrEqual(1);
  });

  it('chooses the categorical choice whose intervals gained more', async () => {
    const space = { act: new CategoricalDistribution(['a', 'b', 'c']), x: new FloatDistribution(0, 1) };
    // 'c' is best; PBT's perturbation of 'a' moves to its neighbour 'b' unless it resamples.
    const gain = (p: PBTParams) => (p.act === 'c' ? 1 : 0) + 0.2 * (p.x as number);
    const records = history(space, gain, 24, 3);
    for (const seed of [1, 2, 3]) {
      const out = await pb2Explorer()(contextOf(space, records, { act: 'a', x: 0.2 }, seed));
      expect(out.act).toBe('c');
      expect(
        (await perturbExplorer({ resampleProbability: 0 })(contextOf(space, records, { act: 'a', x: 0.2 }, seed))).act,
      ).toBe('b');
    }
  });

  it('falls back to PBT perturbation while too few intervals are usable', async () => {
    // 4 members' first intervals have no reward before, so 6 records leave 2 usable ones.
    const records = history(mixed, mixedGain, 6);
    const context = contextOf(mixed, records, start, 5);
    expect(await pb2Explorer()(context)).toEqual(await perturbExplorer()(contextOf(mixed, records, start, 5)));
  });

  it('refuses bad options, naming the field', () => {
    expect(() => pb2Explorer({ window: 1 })).toThrow(/window/);
    expect(() => pb2Explorer({ minObservations: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => pb2Explorer({ kernel: 'linear' as never })).toThrow(/kernel/);
    expect(() => pb2Explorer({ resampleProbability: 2 })).toThrow(/resampleProbability/);
    expect(() => pb2Explorer({ timeScale: 'epoch' as never })).toThrow(/timeScale/);
  });

  it("fits to the latest usable intervals: first intervals skipped, y per step standardised and clipped at ±2, time in intervals or the window's [0, 1]", () => {
    const space = { lr: new FloatDistribution(0, 1) };
    const records = history(space, (p) => ((p.lr as number) > 0.95 ? 40 : 0), 40);
    const encoding = new SearchSpaceEncoding(space);
    const data = pb2Dataset(records, encoding, 20, true);
    expect(data.x).toHaveLength(20);
    expect(Math.max(...data.y)).toBeLessThanOrEqual(Y_CLIP);
    expect(Math.min(...data.y)).toBeGreaterThanOrEqual(-Y_CLIP);
    // The 20 latest of the 36 usable intervals start at steps 20..36: times 0..4, in intervals of 4 steps from the first.
    expect(Math.min(...data.times)).toBe(0);
    expect(Math.max(...data.times)).toBe(4);
    expect(data.normalizeTime(40)).toBe(5);
    const windowed = pb2Dataset(records, encoding, 20, false, 'window');
    expect([Math.min(...windowed.times), Math.max(...windowed.times)]).toEqual([0, 1]);
    expect(windowed.context).toBeNull();
    expect(Math.min(...(data.context as Float64Array))).toBe(0);
    expect(Math.max(...(data.context as Float64Array))).toBe(1);
  });

  it('β grows as the log of the observations, from 0.2', () => {
    expect(pb2Beta(1)).toBeCloseTo(0.2);
    expect(pb2Beta(100)).toBeCloseTo(0.2 + Math.log(40));
    expect(pb2Beta(200)).toBeGreaterThan(pb2Beta(100));
  });
});

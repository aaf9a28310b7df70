import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import {
  DuplicatedStudyError,
  InvalidArgumentError,
  StudyNotFoundError,
  TfjsTuneError,
  TrialFinishedError,
} from '../errors';
import { CategoricalDistribution, FloatDistribution, IntDistribution } from '../space/distributions';
import type { Storage } from '../storage/base';
import type { FrozenTrial } from '../trial/frozen-trial';

/** What a storage factory hands the suite: the storage and how to dispose of it (close, remove files). */
export interface StorageUnderTest {
  readonly storage: Storage;
  /** Called after each test. Default: nothing. */
  readonly cleanup?: () => void | Promise<void>;
}

/** Makes a fresh, empty storage for one test (called before each). */
export type StorageFactory = () => StorageUnderTest | Promise<StorageUnderTest>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Narrows `createTrial`'s result for tests that never pass `maxTrials`. */
function created(t: FrozenTrial | null): FrozenTrial {
  if (t === null) throw new Error('createTrial returned null');
  return t;
}

/**
 * The storage contract of `src/storage/base.ts` as one suite, run against every storage (Optuna's
 * pytest_storages idea): a new storage must pass it unchanged. Each test gets a fresh storage.
 *
 * @example
 * ```ts
 * import { describeStorageContract } from 'tfjs-tune/testing';
 * describeStorageContract('MyStorage', () => ({ storage: new MyStorage(), cleanup: () => {} }));
 * ```
 */
export function describeStorageContract(name: string, makeStorage: StorageFactory): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: (() => void | Promise<void>) | undefined;

    beforeEach(async () => {
      ({ storage, cleanup } = await makeStorage());
    });
    afterEach(async () => {
      await cleanup?.();
    });

    async function newTrial(studyId: number): Promise<FrozenTrial> {
      return created(await storage.createTrial(studyId));
    }

    describe('studies', () => {
      it('creates, looks up, lists and deletes studies', async () => {
        const a = await storage.createStudy('a', ['minimize']);
        const b = await storage.createStudy('b', ['maximize', 'minimize']);
        expect(a).not.toBe(b);
        expect(await storage.getStudyIdByName('b')).toBe(b);
        const study = await storage.getStudy(b);
        expect(study).toMatchObject({ studyId: b, studyName: 'b', directions: ['maximize', 'minimize'] });
        expect(study.datetimeStart).toBeInstanceOf(Date);
        expect((await storage.getAllStudies()).map((s) => s.studyName).sort()).toEqual(['a', 'b']);

        await storage.deleteStudy(a);
        await expect(storage.getStudy(a)).rejects.toThrow(StudyNotFoundError);
        await expect(storage.getStudyIdByName('a')).rejects.toThrow(StudyNotFoundError);
        expect((await storage.getAllStudies()).map((s) => s.studyName)).toEqual(['b']);
        // The name is free again once its study is gone.
        await expect(storage.createStudy('a', ['minimize'])).resolves.toEqual(expect.any(Number));
      });

      it('refuses a duplicate name and reports unknown studies', async () => {
        await storage.createStudy('dup', ['minimize']);
        await expect(storage.createStudy('dup', ['maximize'])).rejects.toThrow(DuplicatedStudyError);
        await expect(storage.getStudyIdByName('nope')).rejects.toThrow(StudyNotFoundError);
        await expect(storage.getStudy(987654)).rejects.toThrow(StudyNotFoundError);
        await expect(storage.deleteStudy(987654)).rejects.toThrow(StudyNotFoundError);
        await expect(storage.createTrial(987654)).rejects.toThrow(StudyNotFoundError);
        await expect(storage.setStudyUserAttr(987654, 'k', 1)).rejects.toThrow(StudyNotFoundError);
      });

      it('round-trips study attributes as JSON and copies them', async () => {
        const id = await storage.createStudy('attrs', ['minimize']);
        const nested = { list: [1, 'two', null, true], inner: { x: 1.5 } };
        await storage.setStudyUserAttr(id, 'nested', nested);
        await storage.setStudyUserAttr(id, 'n', 3);
        await storage.setStudySystemAttr(id, 'sys', 'value');
        nested.inner.x = 99; // the caller's object must not alias the stored one
        const study = await storage.getStudy(id);
        expect(study.userAttrs).toEqual({ nested: { list: [1, 'two', null, true], inner: { x: 1.5 } }, n: 3 });
        expect(study.systemAttrs).toEqual({ sys: 'value' });
        await storage.setStudyUserAttr(id, 'n', 4);
        expect(study.userAttrs['n']).toBe(3);
        expect((await storage.getAllStudies())[0]?.userAttrs['n']).toBe(4);
      });

      it('deleting a study removes its trials', async () => {
        const id = await storage.createStudy('gone', ['minimize']);
        const t = await newTrial(id);
        await storage.deleteStudy(id);
        await expect(storage.getTrial(t.trialId)).rejects.toThrow(TfjsTuneError);
        await expect(storage.getAllTrials(id)).rejects.toThrow(StudyNotFoundError);
      });
    });

    describe('trials', () => {
      it('numbers trials 0..n-1 per study', async () => {
        const a = await storage.createStudy('a', ['minimize']);
        const b = await storage.createStudy('b', ['minimize']);
        const numbersA: number[] = [];
        for (let i = 0; i < 5; i++) numbersA.push((await newTrial(a)).number);
        const firstB = await newTrial(b);
        expect(numbersA).toEqual([0, 1, 2, 3, 4]);
        expect(firstB.number).toBe(0);
        const t = await newTrial(a);
        expect(t).toMatchObject({ number: 5, state: 'RUNNING', values: null, datetimeComplete: null });
        expect(t.datetimeStart).toBeInstanceOf(Date);
        expect(new Set((await storage.getAllTrials(a)).map((x) => x.trialId)).size).toBe(6);
      });

      it('round-trips float, int and categorical params with their distributions', async () => {
        const id = await storage.createStudy('params', ['minimize']);
        const choices = ['relu', true, false, null, 3, 0.5];
        const cat = new CategoricalDistribution(choices);
        const dists = {
          lr: new FloatDistribution(1e-5, 1, true),
          dropout: new FloatDistribution(0, 0.5, false, 0.1),
          units: new IntDistribution(16, 256, false, 16),
          layers: new IntDistribution(1, 1024, true),
        };
        const values = { lr: 3.0517578125e-5 + 1e-17, dropout: 0.30000000000000004, units: 48, layers: 7 };
        const t = await newTrial(id);
        for (const [name, d] of Object.entries(dists))
          await storage.setTrialParam(t.trialId, name, values[name as keyof typeof values], d);
        const catTrials: FrozenTrial[] = [];
        for (const c of choices) {
          const ct = await newTrial(id);
          await storage.setTrialParam(ct.trialId, 'c', c, cat);
          catTrials.push(ct);
        }
        const got = await storage.getTrial(t.trialId);
        expect(got.params).toEqual(values);
        for (const [name, d] of Object.entries(dists)) expect(got.distributions[name]?.toJSON()).toEqual(d.toJSON());
        for (const [i, ct] of catTrials.entries()) {
          const g = await storage.getTrial(ct.trialId);
          expect(Object.is(g.params['c'], choices[i])).toBe(true);
          expect(g.distributions['c']?.toJSON()).toEqual(cat.toJSON());
        }
        // Overwriting a param replaces its value; a value outside the distribution is refused.
        await storage.setTrialParam(t.trialId, 'units', 64, dists.units);
        expect((await storage.getTrial(t.trialId)).params['units']).toBe(64);
        await expect(storage.setTrialParam(t.trialId, 'units', 17, dists.units)).rejects.toThrow(InvalidArgumentError);
        await expect(storage.setTrialParam(t.trialId, 'c', 'gelu', cat)).rejects.toThrow(InvalidArgumentError);
        expect((await storage.getTrial(t.trialId)).params['c']).toBeUndefined();
      });

      it('stores objective values including ±Infinity and stamps completion', async () => {
        const id = await storage.createStudy('values', ['minimize', 'maximize', 'minimize']);
        const t = await newTrial(id);
        await storage.setTrialState(t.trialId, 'COMPLETE', [Infinity, -Infinity, 0.125]);
        const got = await storage.getTrial(t.trialId);
        expect(got.state).toBe('COMPLETE');
        expect(got.values).toEqual([Infinity, -Infinity, 0.125]);
        expect(got.datetimeComplete).toBeInstanceOf(Date);
        expect((got.datetimeComplete as Date).getTime()).toBeGreaterThanOrEqual((got.datetimeStart as Date).getTime());
        const pruned = await newTrial(id);
        await storage.setTrialState(pruned.trialId, 'PRUNED');
        expect(await storage.getTrial(pruned.trialId)).toMatchObject({ state: 'PRUNED', values: null });
        const running = await newTrial(id);
        await expect(storage.setTrialState(running.trialId, 'WAITING')).rejects.toThrow(TfjsTuneError);
      });

      it('stores intermediate values including NaN and ±Infinity, overwriting a step', async () => {
        const id = await storage.createStudy('inter', ['minimize']);
        const t = await newTrial(id);
        await storage.setTrialIntermediateValue(t.trialId, 0, 0.5);
        await storage.setTrialIntermediateValue(t.trialId, 1, NaN);
        await storage.setTrialIntermediateValue(t.trialId, 2, Infinity);
        await storage.setTrialIntermediateValue(t.trialId, 3, 9);
        await storage.setTrialIntermediateValue(t.trialId, 3, -Infinity);
        const got = await storage.getTrial(t.trialId);
        expect([...got.intermediateValues.entries()].sort((x, y) => x[0] - y[0])).toEqual([
          [0, 0.5],
          [1, NaN],
          [2, Infinity],
          [3, -Infinity],
        ]);
        expect(got.lastStep).toBe(3);
      });

      it('round-trips trial user and system attributes as JSON', async () => {
        const id = await storage.createStudy('attrs', ['minimize']);
        const t = await newTrial(id);
        const obj = { a: [1, 2, { b: 'c' }], d: null, e: false };
        await storage.setTrialUserAttr(t.trialId, 'obj', obj);
        await storage.setTrialUserAttr(t.trialId, 'str', 'x');
        await storage.setTrialSystemAttr(t.trialId, 'rung_0', 0.25);
        await storage.setTrialSystemAttr(t.trialId, 'arr', [1, 'a']);
        obj.a.push(3);
        const got = await storage.getTrial(t.trialId);
        expect(got.userAttrs).toEqual({ obj: { a: [1, 2, { b: 'c' }], d: null, e: false }, str: 'x' });
        expect(got.systemAttrs).toEqual({ rung_0: 0.25, arr: [1, 'a'] });
        // Mutating a nested attribute of a snapshot must not reach the storage.
        ((got.userAttrs['obj'] as { a: unknown[] }).a as unknown[]).push('mutated');
        expect((await storage.getTrial(t.trialId)).userAttrs['obj']).toEqual({
          a: [1, 2, { b: 'c' }],
          d: null,
          e: false,
        });
      });

      it('creates a trial from a template', async () => {
        const id = await storage.createStudy('template', ['minimize']);
        const d = new IntDistribution(0, 10);
        const t = created(
          await storage.createTrial(id, {
            params: { x: 3, fixed: 'a' },
            distributions: { x: d },
            userAttrs: { u: { k: 1 } },
            systemAttrs: { retry_of: 4 },
          }),
        );
        for (const got of [t, await storage.getTrial(t.trialId)]) {
          expect(got.state).toBe('RUNNING');
          expect(got.params).toEqual({ x: 3, fixed: 'a' });
          expect(Object.keys(got.distributions)).toEqual(['x']);
          expect(got.distributions['x']?.toJSON()).toEqual(d.toJSON());
          expect(got.userAttrs).toEqual({ u: { k: 1 } });
          expect(got.systemAttrs).toEqual({ retry_of: 4 });
        }
      });

      it('reports an unknown trial id', async () => {
        await expect(storage.getTrial(987654)).rejects.toThrow(TfjsTuneError);
        await expect(storage.setTrialUserAttr(987654, 'k', 1)).rejects.toThrow(TfjsTuneError);
        await expect(storage.recordHeartbeat(987654)).rejects.toThrow(TfjsTuneError);
      });
    });

    describe('immutability', () => {
      it.each(['COMPLETE', 'PRUNED', 'FAIL'] as const)('a %s trial refuses every write', async (state) => {
        const id = await storage.createStudy('done', ['minimize']);
        const t = await newTrial(id);
        await storage.setTrialState(t.trialId, state, state === 'COMPLETE' ? [1] : null);
        const before = await storage.getTrial(t.trialId);
        const d = new FloatDistribution(0, 1);
        await expect(storage.setTrialParam(t.trialId, 'x', 0.5, d)).rejects.toThrow(TrialFinishedError);
        await expect(storage.setTrialState(t.trialId, 'COMPLETE', [2])).rejects.toThrow(TrialFinishedError);
        await expect(storage.setTrialState(t.trialId, 'RUNNING')).rejects.toThrow(TrialFinishedError);
        await expect(storage.setTrialIntermediateValue(t.trialId, 0, 1)).rejects.toThrow(TrialFinishedError);
        await expect(storage.setTrialUserAttr(t.trialId, 'k', 1)).rejects.toThrow(TrialFinishedError);
        await expect(storage.setTrialSystemAttr(t.trialId, 'k', 1)).rejects.toThrow(TrialFinishedError);
        expect((await storage.getTrial(t.trialId)).toJSON()).toEqual(before.toJSON());
      });

      it('returns new snapshots that later writes never change', async () => {
        const id = await storage.createStudy('snap', ['minimize']);
        const t = await newTrial(id);
        const first = await storage.getTrial(t.trialId);
        const listed = await storage.getAllTrials(id);
        await storage.setTrialParam(t.trialId, 'x', 0.5, new FloatDistribution(0, 1));
        await storage.setTrialIntermediateValue(t.trialId, 0, 1);
        await storage.setTrialUserAttr(t.trialId, 'u', 1);
        await storage.setTrialSystemAttr(t.trialId, 's', 1);
        await storage.setTrialState(t.trialId, 'COMPLETE', [1]);
        for (const snap of [t, first, listed[0] as FrozenTrial]) {
          expect(snap).toMatchObject({ state: 'RUNNING', values: null, params: {}, userAttrs: {}, systemAttrs: {} });
          expect(snap.intermediateValues.size).toBe(0);
          expect(snap.datetimeComplete).toBeNull();
        }
        const a = await storage.getTrial(t.trialId);
        const b = await storage.getTrial(t.trialId);
        expect(a).not.toBe(b);
        expect(a.toJSON()).toEqual(b.toJSON());
      });
    });

    describe('queue and limits', () => {
      it('claims WAITING trials oldest first', async () => {
        const id = await storage.createStudy('queue', ['minimize']);
        const d = new FloatDistribution(0, 1);
        const w0 = created(
          await storage.createTrial(id, { state: 'WAITING', params: { x: 0.1 }, distributions: { x: d } }),
        );
        await newTrial(id);
        const w2 = created(await storage.createTrial(id, { state: 'WAITING', params: { x: 0.2 } }));
        expect(w0).toMatchObject({ number: 0, state: 'WAITING', datetimeStart: null });
        expect((await storage.getAllTrials(id, { states: ['WAITING'] })).map((t) => t.number)).toEqual([0, 2]);

        const c0 = await storage.claimWaitingTrial(id);
        expect(c0).toMatchObject({ trialId: w0.trialId, number: 0, state: 'RUNNING', params: { x: 0.1 } });
        expect(c0?.datetimeStart).toBeInstanceOf(Date);
        const c2 = await storage.claimWaitingTrial(id);
        expect(c2).toMatchObject({ trialId: w2.trialId, number: 2, state: 'RUNNING' });
        expect(await storage.claimWaitingTrial(id)).toBeNull();
        expect((await storage.getTrial(w2.trialId)).state).toBe('RUNNING');
      });

      it('claims a WAITING trial by number, and only while it is WAITING', async () => {
        const id = await storage.createStudy('by-number', ['minimize']);
        for (let i = 0; i < 3; i++) await storage.createTrial(id, { state: 'WAITING' });
        expect(await storage.claimWaitingTrial(id, 2)).toMatchObject({ number: 2, state: 'RUNNING' });
        expect(await storage.claimWaitingTrial(id, 2)).toBeNull(); // taken
        expect(await storage.claimWaitingTrial(id, 7)).toBeNull(); // no such trial
        expect((await storage.claimWaitingTrial(id))?.number).toBe(0); // the oldest left
        expect((await storage.claimWaitingTrial(id, 1))?.number).toBe(1);
        expect(await storage.claimWaitingTrial(id)).toBeNull();
      });

      it('stops at maxTrials, counting every state', async () => {
        const id = await storage.createStudy('max', ['minimize']);
        await storage.createTrial(id, { state: 'WAITING' }, { maxTrials: 3 });
        const t = created(await storage.createTrial(id, undefined, { maxTrials: 3 }));
        await storage.setTrialState(t.trialId, 'FAIL');
        expect(await storage.createTrial(id, undefined, { maxTrials: 3 })).not.toBeNull();
        expect(await storage.createTrial(id, undefined, { maxTrials: 3 })).toBeNull();
        expect(await storage.createTrial(id, { state: 'WAITING' }, { maxTrials: 2 })).toBeNull();
        expect((await storage.getAllTrials(id)).map((x) => x.number)).toEqual([0, 1, 2]);
        expect(await storage.createTrial(id, undefined, { maxTrials: 4 })).toMatchObject({ number: 3 });
      });

      it('filters getAllTrials by fromNumber and states', async () => {
        const id = await storage.createStudy('filter', ['minimize']);
        const states = ['COMPLETE', 'PRUNED', 'RUNNING', 'COMPLETE', 'FAIL', 'RUNNING'] as const;
        for (const [i, s] of states.entries()) {
          const t = await newTrial(id);
          await storage.setTrialParam(t.trialId, 'i', i, new IntDistribution(0, 10));
          await storage.setTrialUserAttr(t.trialId, 'i', i);
          if (s !== 'RUNNING') await storage.setTrialState(t.trialId, s, s === 'COMPLETE' ? [i] : null);
        }
        const all = await storage.getAllTrials(id);
        expect(all.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
        expect(all.map((t) => t.params['i'])).toEqual([0, 1, 2, 3, 4, 5]);
        expect(all.map((t) => t.userAttrs['i'])).toEqual([0, 1, 2, 3, 4, 5]);
        const complete = await storage.getAllTrials(id, { states: ['COMPLETE'] });
        expect(complete.map((t) => [t.number, t.values])).toEqual([
          [0, [0]],
          [3, [3]],
        ]);
        const from = await storage.getAllTrials(id, { fromNumber: 3 });
        expect(from.map((t) => t.number)).toEqual([3, 4, 5]);
        const both = await storage.getAllTrials(id, { fromNumber: 2, states: ['RUNNING', 'FAIL'] });
        expect(both.map((t) => [t.number, t.params['i']])).toEqual([
          [2, 2],
          [4, 4],
          [5, 5],
        ]);
        expect(await storage.getAllTrials(id, { states: [] })).toEqual([]);
        expect(await storage.getAllTrials(id, { fromNumber: 6 })).toEqual([]);
      });
    });

    describe('heartbeats', () => {
      it('fails RUNNING trials whose heartbeat is older than the grace period', async () => {
        const id = await storage.createStudy('hb', ['minimize']);
        const stale = await newTrial(id);
        const fresh = await newTrial(id);
        const never = await newTrial(id);
        const done = await newTrial(id);
        await storage.recordHeartbeat(stale.trialId);
        await storage.recordHeartbeat(done.trialId);
        await storage.setTrialState(done.trialId, 'COMPLETE', [1]);
        await sleep(150);
        await storage.recordHeartbeat(fresh.trialId);
        const failed = await storage.failStaleTrials(id, 75);

        expect(failed.map((t) => t.trialId)).toEqual([stale.trialId]);
        expect(failed[0]).toMatchObject({ state: 'FAIL' });
        expect(failed[0]?.failReason).toEqual(expect.stringContaining('heartbeat'));
        expect(failed[0]?.datetimeComplete).toBeInstanceOf(Date);
        const states = (await storage.getAllTrials(id)).map((t) => t.state);
        expect(states).toEqual(['FAIL', 'RUNNING', 'RUNNING', 'COMPLETE']);
        expect((await storage.getTrial(never.trialId)).state).toBe('RUNNING');
        await expect(storage.setTrialState(stale.trialId, 'COMPLETE', [1])).rejects.toThrow(TrialFinishedError);
        expect(await storage.failStaleTrials(id, 75)).toEqual([]);
      });
    });
  });
}

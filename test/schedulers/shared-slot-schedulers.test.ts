import { trainJob } from '../../src/execution/train-job';
import { ASHAScheduler, ASHA_MAX_TRIALS_KEY } from '../../src/schedulers/asha';
import { HyperbandScheduler } from '../../src/schedulers/hyperband';
import { hyperbandSchedule } from '../../src/schedulers/hyperband-schedule';
import type { JobOutcome } from '../../src/schedulers/scheduler';
import { DISCARDED_KEY, isSpent } from '../../src/schedulers/slot-claims';
import { slotJobTrainer } from '../../src/schedulers/slot-job-trainer';
import { InMemoryStorage } from '../../src/storage/memory';
import { createStudy, loadStudy } from '../../src/study/create-study';
import type { Study } from '../../src/study/study';
import { fakeTrain } from './fixtures/fake-slot-train';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import { rankTrials, slotOf } from '../../src/trial/hyperband-slot';
import { silentLogger } from '../../src/util/logger';

// Several processes on one ASHA study, in lock step: each asks its own scheduler for a job at the
// same moment as the others (so they decide from the same stored trials and race for the same
// promotion), claims it, trains it and tells it. The multi-process test with real processes and
// SQLite is test/cli/worker-schedulers.test.ts; this one makes the races happen every round.

interface Proc {
  readonly study: Study;
  readonly scheduler: ASHAScheduler | HyperbandScheduler;
}

/** Steps every process at once until all say done; returns what each step did. */
async function lockStep(procs: readonly Proc[]): Promise<string[]> {
  const seen: string[] = [];
  for (let round = 0; round < 300; round++) {
    const steps = await Promise.all(procs.map(step));
    seen.push(...steps);
    if (steps.every((s) => s === 'done')) break;
  }
  return seen;
}

async function step(p: Proc): Promise<'done' | 'idle' | 'ran' | 'lost'> {
  const job = await p.scheduler.nextJob(p.study);
  if (job === 'done') return 'done';
  if (job === null) return 'idle';
  const trial = await p.study.askOrNull(undefined, { waitingOnly: true, trialNumber: job.trialNumber });
  let outcome: JobOutcome = { state: 'FAIL', reason: 'another process took it' };
  if (trial !== null)
    outcome = (await trainJob(p.study, trial, job, slotJobTrainer(fakeTrain), () => 'continue', silentLogger)).outcome;
  await p.scheduler.onJobEnd(job, outcome);
  return trial === null ? 'lost' : 'ran';
}

const counted = (trials: readonly FrozenTrial[]): FrozenTrial[] =>
  trials.filter((t) => slotOf(t) !== null && !isSpent(t));

describe('ASHA shared by several processes', () => {
  it('runs every promotion exactly once, starts maxTrials configurations and finishes every rung', async () => {
    const storage = new InMemoryStorage();
    const settings = { maxEpochs: 9, factor: 3 } as const;
    const creator = await createStudy({ studyName: 'a', storage, seed: 5, logger: silentLogger });
    const procs: Proc[] = [{ study: creator, scheduler: new ASHAScheduler({ ...settings, maxTrials: 12 }) }];
    await procs[0]?.scheduler.prepare(creator);
    for (let i = 0; i < 2; i++) {
      const study = await loadStudy({ studyName: 'a', storage, logger: silentLogger });
      const scheduler = new ASHAScheduler({ ...settings, shared: true });
      await scheduler.prepare(study);
      procs.push({ study, scheduler });
    }
    const seen = await lockStep(procs);
    await creator.refresh();
    const trials = creator.trials;
    expect(creator.systemAttrs[ASHA_MAX_TRIALS_KEY]).toBe(12);
    expect(trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
    // The races happened: duplicates were made, and discarded untrained.
    const discarded = trials.filter((t) => t.systemAttrs[DISCARDED_KEY] === true);
    expect(discarded.length).toBeGreaterThan(0);
    expect(discarded.every((t) => t.state === 'FAIL' && t.intermediateValues.size === 0)).toBe(true);
    expect(seen.filter((s) => s === 'ran').length).toBe(counted(trials).length);

    const kept = counted(trials);
    expect(kept.every((t) => t.state === 'COMPLETE')).toBe(true);
    const rung = (k: number): FrozenTrial[] => kept.filter((t) => slotOf(t)?.round === k);
    expect(rung(0)).toHaveLength(12);
    const parents = kept.map((t) => slotOf(t)?.parent).filter((p) => p !== null);
    expect(new Set(parents).size).toBe(parents.length); // no configuration continued twice
    for (const k of [0, 1]) {
      const finished = rankTrials(rung(k), 'minimize');
      const promoted = rung(k + 1).map((t) => slotOf(t)?.parent);
      // At the end every configuration of the rung's top third went up (a promotion once in the top
      // third stays, as asynchronous ASHA's do, even when later results push it out).
      const top = finished.slice(0, Math.floor(finished.length / 3)).map((t) => t.number);
      expect(top.every((n) => promoted.includes(n))).toBe(true);
      for (const t of rung(k + 1)) {
        const parent = trials[slotOf(t)?.parent ?? -1] as FrozenTrial;
        expect(slotOf(parent)?.round).toBe(k);
        expect(slotOf(t)?.initialEpoch).toBe(slotOf(parent)?.epochs);
        expect(t.params).toEqual(parent.params);
        expect([...t.intermediateValues.keys()]).toEqual(
          Array.from({ length: [3, 9][k]! - [1, 3][k]! }, (_, i) => [1, 3][k]! + 1 + i),
        );
      }
    }
    await storage.close();
  });

  it('hands out a WAITING job another process has not claimed yet; the claim goes to exactly one of them', async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ studyName: 'a', storage, seed: 5, logger: silentLogger });
    const first = new ASHAScheduler({ maxEpochs: 9, maxTrials: 1 });
    await first.prepare(a);
    const b = await loadStudy({ studyName: 'a', storage, logger: silentLogger });
    const second = new ASHAScheduler({ maxEpochs: 9, shared: true });
    await second.prepare(b);
    const job = await first.nextJob(a);
    const same = await second.nextJob(b);
    expect(same).toEqual(job); // a dead process's job would be lost otherwise
    const n = (job as { trialNumber: number }).trialNumber;
    const claims = await Promise.all([
      a.askOrNull(undefined, { waitingOnly: true, trialNumber: n }),
      b.askOrNull(undefined, { waitingOnly: true, trialNumber: n }),
    ]);
    expect(claims.filter((t) => t !== null)).toHaveLength(1);
    const winner = claims[0] === null ? b : a;
    const trial = claims.find((t) => t !== null);
    if (trial) await winner.tell(trial, 1);
    // Both say done once the one configuration has run (a rung of one promotes nobody).
    expect(await first.nextJob(a)).toBe(null); // its own handed-out job has not ended here
    await second.onJobEnd(same as never, { state: 'FAIL', reason: 'lost the claim' });
    expect(await second.nextJob(b)).toBe('done');
    await storage.close();
  });

  it('refuses to join a study whose creator stored no limit', async () => {
    const storage = new InMemoryStorage();
    const study = await createStudy({ studyName: 'a', storage, logger: silentLogger });
    await expect(new ASHAScheduler({ maxEpochs: 9, shared: true }).prepare(study)).rejects.toThrow(
      /an ASHA study whose creator stored its limit of new configurations \(system attribute asha_max_trials/,
    );
    expect(() => new ASHAScheduler({ maxEpochs: 9 })).toThrow(/maxTrials/);
  });
});

describe('Hyperband shared by several processes', () => {
  it('runs the schedule exactly: each round its configurations once, promoting the top of the round before', async () => {
    const storage = new InMemoryStorage();
    const creator = await createStudy({ studyName: 'h', storage, seed: 5, logger: silentLogger });
    const procs: Proc[] = [];
    for (let i = 0; i < 3; i++) {
      const study = i === 0 ? creator : await loadStudy({ studyName: 'h', storage, logger: silentLogger });
      const scheduler = new HyperbandScheduler({ maxEpochs: 9, factor: 3, shared: i > 0 });
      await scheduler.prepare(study);
      procs.push({ study, scheduler });
    }
    await lockStep(procs);
    await creator.refresh();
    const trials = creator.trials;
    expect(trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
    const discarded = trials.filter((t) => t.systemAttrs[DISCARDED_KEY] === true);
    expect(discarded.length).toBeGreaterThan(0);
    const kept = counted(trials);
    expect(kept.every((t) => t.state === 'COMPLETE')).toBe(true);
    for (const bracket of hyperbandSchedule(9, 3)) {
      bracket.rounds.forEach((spec, r) => {
        const round = kept.filter((t) => slotOf(t)?.bracket === bracket.s && slotOf(t)?.round === r);
        expect(round.map((t) => slotOf(t)?.epochs)).toEqual(Array(spec.configs).fill(spec.epochs));
        if (r === 0) return;
        const before = kept.filter((t) => slotOf(t)?.bracket === bracket.s && slotOf(t)?.round === r - 1);
        const top = rankTrials(before, 'minimize')
          .slice(0, spec.configs)
          .map((t) => t.number);
        expect(round.map((t) => slotOf(t)?.parent).sort()).toEqual(top.sort());
      });
    }
    await storage.close();
  });
});

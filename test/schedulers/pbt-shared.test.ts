import { toyMember, type ToyState } from '../../benchmarks/pbt/toy-problem';
import { trainJob } from '../../src/execution/train-job';
import { PBT_KEY, jobRecordOf, type PBTJobRecord } from '../../src/schedulers/pbt/job-record';
import { memberJobTrainer, type MemberJobTrainer } from '../../src/schedulers/pbt/member-trainer';
import { standingPBTTrials, standsForItsPBTJob, waitingDuplicates } from '../../src/schedulers/pbt/pbt-claims';
import { PBTScheduler } from '../../src/schedulers/pbt/pbt-scheduler';
import type { PBTSchedulerOptions } from '../../src/schedulers/pbt/pbt-settings';
import { rebuildPopulation } from '../../src/schedulers/pbt/population';
import { releasableStates } from '../../src/schedulers/pbt/pbt-release';
import { lineageOf } from '../../src/schedulers/pbt/stored-lineage';
import type { JobOutcome } from '../../src/schedulers/scheduler';
import { DISCARDED_KEY } from '../../src/schedulers/slot-claims';
import { FloatDistribution } from '../../src/space/distributions';
import { InMemoryStorage } from '../../src/storage/memory';
import { createStudy, loadStudy } from '../../src/study/create-study';
import type { Study } from '../../src/study/study';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import { silentLogger } from '../../src/util/logger';

// Several processes on one PBT study, in lock step (as shared-slot-schedulers.test.ts does for
// ASHA): each asks its own scheduler for a job at the same moment as the others, so they decide
// from the same stored trials and race for the same member's next job. Their trainers share only
// a checkpoint store, as machines share a checkpoint folder. The real processes on SQLite and
// PostgreSQL are test/cli/worker-pbt*.test.ts.

const h = new FloatDistribution(0, 1);
const TOY: PBTSchedulerOptions = {
  populationSize: 4,
  perturbationInterval: 2,
  totalEpochs: 16,
  quantileFraction: 0.5,
  hyperparamMutations: { h0: h, h1: h },
  seed: 3,
};

interface Proc {
  readonly study: Study;
  readonly scheduler: PBTScheduler;
  readonly trainer: MemberJobTrainer<ToyState>;
  readonly name: string;
}

/** Each trainer keeps its live members; states trained elsewhere come from the shared store, or fail. */
function toyTrainer(checkpoints: Map<number, ToyState>, loads: number[]): MemberJobTrainer<ToyState> {
  return memberJobTrainer<ToyState>({
    createMember: () => toyMember(),
    save: async (n, member) => void checkpoints.set(n, await member.getState()),
    load: async (n) => {
      const state = checkpoints.get(n);
      if (state === undefined) throw new Error(`checkpoint of trial ${n} is missing`);
      loads.push(n);
      return state;
    },
    drop: (n) => checkpoints.delete(n),
  });
}

async function step(p: Proc, ranBy: Map<number, string>): Promise<'done' | 'idle' | 'ran' | 'lost'> {
  const job = await p.scheduler.nextJob(p.study);
  // As runScheduler does: after every nextJob (the last one, 'done', frees all but the members' last states) and job end.
  p.trainer.release(p.scheduler.releasable());
  if (job === 'done') return 'done';
  if (job === null) return 'idle';
  const trial = await p.study.askOrNull(undefined, { waitingOnly: true, trialNumber: job.trialNumber });
  let outcome: JobOutcome = { state: 'FAIL', reason: 'another process took it' };
  if (trial !== null) {
    ranBy.set(trial.number, p.name);
    outcome = (await trainJob(p.study, trial, job, p.trainer, () => 'continue', silentLogger)).outcome;
  }
  await p.scheduler.onJobEnd(job, outcome);
  p.trainer.release(p.scheduler.releasable());
  return trial === null ? 'lost' : 'ran';
}

async function sharedRun(synch: boolean) {
  const storage = new InMemoryStorage();
  const checkpoints = new Map<number, ToyState>();
  const loads: number[] = [];
  const creator = await createStudy({ studyName: 'p', storage, direction: 'maximize', seed: 3, logger: silentLogger });
  const procs: Proc[] = [];
  for (const name of ['run', 'worker-a', 'worker-b']) {
    const study = name === 'run' ? creator : await loadStudy({ studyName: 'p', storage, logger: silentLogger });
    const scheduler = new PBTScheduler({ ...TOY, synch, shared: name !== 'run' });
    await scheduler.prepare(study);
    procs.push({ study, scheduler, trainer: toyTrainer(checkpoints, loads), name });
  }
  const ranBy = new Map<number, string>();
  for (let round = 0; round < 400; round++) {
    const steps = await Promise.all(procs.map((p) => step(p, ranBy)));
    if (steps.every((s) => s === 'done')) break;
  }
  await creator.refresh();
  return { trials: creator.trials, ranBy, loads, checkpoints, storage };
}

describe('PBT shared by several processes', () => {
  it.each([
    ['asynchronous', false],
    ['synchronous', true],
  ])(
    '%s: every interval trained once, duplicates discarded untrained, states crossing processes loaded, none dropped early',
    async (_name, synch) => {
      const { trials, ranBy, loads, checkpoints, storage } = await sharedRun(synch);
      expect(trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
      // The races happened: duplicates were made, and discarded without training.
      const discarded = trials.filter((t) => t.systemAttrs[DISCARDED_KEY] === true);
      expect(discarded.length).toBeGreaterThan(0);
      expect(discarded.every((t) => t.state === 'FAIL' && !ranBy.has(t.number))).toBe(true);
      expect(discarded.every((t) => /^not trained: .*same PBT job/.test(t.failReason ?? ''))).toBe(true);
      // Nothing else failed: no job found its start state dropped by another process.
      const complete = trials.filter((t) => t.state === 'COMPLETE');
      expect(complete.length + discarded.length).toBe(trials.length);
      // Each member's intervals once each, one after another, to the budget.
      for (let m = 0; m < TOY.populationSize; m++) {
        const own = complete.filter((t) => jobRecordOf(t)?.member === m).map((t) => jobRecordOf(t) as PBTJobRecord);
        const froms = own.map((r) => r.fromEpoch);
        expect(new Set(froms).size).toBe(froms.length);
        expect(own.at(-1)?.toEpoch).toBe(TOY.totalEpochs);
        for (const r of own.slice(1)) expect(r.fromEpoch).toBe(jobRecordOf(trials[r.from as number]!)!.toEpoch);
      }
      if (synch) expect(complete).toHaveLength(TOY.populationSize * (TOY.totalEpochs / TOY.perturbationInterval));
      // Lineage intact: every exploit starts from the donor's COMPLETE trial at the epoch it names.
      const lineage = lineageOf(trials);
      expect(lineage.length).toBeGreaterThan(0);
      for (const e of lineage) {
        const donor = trials[e.donorTrial]!;
        expect([donor.state, jobRecordOf(donor)?.member, jobRecordOf(donor)?.toEpoch]).toEqual([
          'COMPLETE',
          e.donor,
          e.epoch,
        ]);
      }
      // All three trained; states trained in one process were loaded by another from the shared store.
      expect(new Set(ranBy.values()).size).toBe(3);
      const crossed = complete.filter((t) => {
        const from = jobRecordOf(t)?.from;
        return from !== null && from !== undefined && ranBy.get(from) !== ranBy.get(t.number);
      });
      expect(crossed.length).toBeGreaterThan(0);
      expect(crossed.every((t) => loads.includes(jobRecordOf(t)!.from!))).toBe(true);
      // At the end only the members' last states are kept.
      expect(checkpoints.size).toBeLessThanOrEqual(TOY.populationSize);
      await storage.close();
    },
  );

  it('a joining process leaves the others’ WAITING and RUNNING jobs alone, and hands out a WAITING one its maker has not claimed', async () => {
    const storage = new InMemoryStorage();
    const a = await createStudy({ studyName: 'p', storage, direction: 'maximize', seed: 3, logger: silentLogger });
    const first = new PBTScheduler(TOY);
    await first.prepare(a);
    const waiting = (await first.nextJob(a)) as { trialNumber: number };
    const running = (await first.nextJob(a)) as { trialNumber: number };
    await a.askOrNull(undefined, { waitingOnly: true, trialNumber: running.trialNumber });
    const b = await loadStudy({ studyName: 'p', storage, logger: silentLogger });
    const joining = new PBTScheduler({ ...TOY, shared: true });
    await joining.prepare(b);
    await a.refresh();
    expect([a.trials[waiting.trialNumber]?.state, a.trials[running.trialNumber]?.state]).toEqual([
      'WAITING',
      'RUNNING',
    ]);
    // Its maker may have died before claiming it: the joining process hands it out; one claim wins.
    expect(await joining.nextJob(b)).toMatchObject({ trialNumber: waiting.trialNumber });
    const claims = await Promise.all([
      a.askOrNull(undefined, { waitingOnly: true, trialNumber: waiting.trialNumber }),
      b.askOrNull(undefined, { waitingOnly: true, trialNumber: waiting.trialNumber }),
    ]);
    expect(claims.filter((t) => t !== null)).toHaveLength(1);
    await storage.close();
  });
});

describe('the PBT job key rule', () => {
  /** Hand-made stored trials: [state, member, follows (undefined: a record from before keys), discarded, record fields]. */
  async function storedTrials(
    rows: readonly [FrozenTrial['state'], number, number | null | undefined, boolean?, Partial<PBTJobRecord>?][],
  ): Promise<FrozenTrial[]> {
    const storage = new InMemoryStorage();
    const study = await createStudy({ storage, direction: 'maximize', logger: silentLogger });
    for (const [state, member, follows, discarded, fields] of rows) {
      const record = { member, fromEpoch: 0, toEpoch: 1, start: 'fresh', from: null, follows, ...fields };
      const t = await storage.createTrial(study.studyId, {
        state: 'WAITING',
        systemAttrs: { [PBT_KEY]: JSON.parse(JSON.stringify(record)), ...(discarded ? { [DISCARDED_KEY]: true } : {}) },
      });
      if (state !== 'WAITING') await storage.setTrialState(t!.trialId, state, state === 'COMPLETE' ? [0.5] : null);
    }
    await study.refresh();
    return study.trials;
  }

  it('lets the lowest-numbered trial of each key stand, whatever the states; discarded and key-less trials never compete', async () => {
    const trials = await storedTrials([
      ['COMPLETE', 0, null], // 0: member 0's first job
      ['WAITING', 0, null], // 1: a duplicate of it, not discarded yet
      ['COMPLETE', 1, null], // 2
      ['WAITING', 0, 0], // 3: member 0's job after trial 0
      ['RUNNING', 0, 0], // 4: the same key: a duplicate (never handed out, whatever it says)
      ['FAIL', 1, 2, true], // 5: discarded: it holds no key
      ['WAITING', 1, 2], // 6: so this one stands
      ['COMPLETE', 2, undefined], // 7: stored before keys: stands
      ['COMPLETE', 2, undefined], // 8: likewise
    ]);
    expect(standingPBTTrials(trials).map((t) => t.number)).toEqual([0, 2, 3, 6, 7, 8]);
    expect(waitingDuplicates(trials).map((t) => t.number)).toEqual([1]);
    expect([1, 3, 4, 6].map((n) => standsForItsPBTJob(n, trials))).toEqual([false, true, false, true]);
    // Standing is decided by the trials up to it: it reads the same before and after later ones exist.
    expect(standsForItsPBTJob(3, trials.slice(0, 4))).toBe(true);
    // The population ignores the duplicates: member 0 waits on trial 3, not 4.
    const view = rebuildPopulation(trials, 3, 1);
    expect(view.members.map((m) => m.inFlight?.number ?? null)).toEqual([3, 6, null]);
  });

  it('keeps a state until every member that still decides is past its epoch: a stale view may still pick it as a donor', async () => {
    const continues = (from: number, fromEpoch: number) => ({
      start: 'continue' as const,
      from,
      fromEpoch,
      toEpoch: fromEpoch + 1,
    });
    const rows: Parameters<typeof storedTrials>[0] = [
      ['COMPLETE', 0, null], // 0: member 0, epochs 0-1
      ['COMPLETE', 1, null], // 1: member 1, epochs 0-1
      ['COMPLETE', 0, 0, false, continues(0, 1)], // 2: member 0, 1-2
      ['COMPLETE', 0, 2, false, continues(2, 2)], // 3: member 0, 2-3
    ];
    const release = async (more: typeof rows) => {
      const view = rebuildPopulation(await storedTrials([...rows, ...more]), 2, 1);
      return releasableStates(view, new Set(), (m) => m.step < 3 || m.inFlight !== null);
    };
    // Member 1 is still to decide at epoch 1: a view read before trials 2 and 3 ended showed member
    // 0 holding trial 0, then 2, so either may be its donor. Neither is member 0's state any more.
    expect(await release([])).toEqual([]);
    // Member 1 has moved on (its job after trial 1 is made): it next decides at epoch 2, past trial 0 only.
    expect(await release([['RUNNING', 1, 1, false, continues(1, 1)]])).toEqual([0]);
    // Every member decides no more: only the members' last states stay.
    expect(await release([['COMPLETE', 1, 1, false, { ...continues(1, 1), toEpoch: 3 }]])).toEqual([0, 1, 2]);
  });
});

import { FloatDistribution } from '../../src/space/distributions';
import { createStudy } from '../../src/study/create-study';
import { RandomSampler } from '../../src/samplers/random';
import { runPBT } from '../../src/schedulers/pbt/run-pbt';
import { PBTScheduler } from '../../src/schedulers/pbt/pbt-scheduler';
import type { PBTSchedulerOptions } from '../../src/schedulers/pbt/pbt-settings';
import { memberJobTrainer } from '../../src/schedulers/pbt/member-trainer';
import { InProcessExecutor } from '../../src/execution/in-process';
import { runScheduler } from '../../src/schedulers/run-scheduler';
import { jobRecordOf } from '../../src/schedulers/pbt/job-record';
import { lineageOf, scheduleOfTrial } from '../../src/schedulers/pbt/stored-lineage';
import { replaySchedule } from '../../src/schedulers/pbt/replay';
import { toyMember, type ToyState } from '../../benchmarks/pbt/toy-problem';
import type { PBTMember } from '../../src/schedulers/pbt/member';

const h = new FloatDistribution(0, 1);
const TOY: PBTSchedulerOptions = {
  populationSize: 2,
  perturbationInterval: 4,
  totalEpochs: 200,
  hyperparamMutations: { h0: h, h1: h },
  initialParams: (id) => (id === 0 ? { h0: 1, h1: 0 } : { h0: 0, h1: 1 }),
};

async function runToyStudy(seed: number, options: Partial<PBTSchedulerOptions> = {}, member = () => toyMember()) {
  const study = await createStudy({ direction: 'maximize', seed, sampler: new RandomSampler({ seed }) });
  const scheduler = new PBTScheduler({ ...TOY, seed, ...options });
  const trainer = memberJobTrainer<ToyState>({ createMember: () => member() });
  await runScheduler(study, scheduler, new InProcessExecutor(trainer), { onRelease: (n) => trainer.release(n) });
  return { study, scheduler, trainer };
}

describe('PBTScheduler on the PBT paper toy problem', () => {
  it('synchronous: takes exactly the decisions runPBT takes, one trial per member interval', async () => {
    const direct = await runPBT({ ...TOY, totalSteps: 200, seed: 7, synch: true, createMember: () => toyMember() });
    const { study } = await runToyStudy(7, { synch: true });
    const trials = study.trials;
    expect(trials).toHaveLength(100);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    const stored = lineageOf(trials).map((e) => [e.epoch, e.recipient, e.donor, e.paramsAfter]);
    expect(stored).toEqual(direct.lineage.map((e) => [e.step, e.recipient, e.donor, e.paramsAfter]));
    expect(study.bestValue).toBeCloseTo(direct.best.score, 12);
  });

  it('asynchronous: no member copies one that is behind it, so each trains exactly its budget', async () => {
    const { initialParams: _, ...rest } = TOY;
    const study = await createStudy({ direction: 'maximize', seed: 7, sampler: new RandomSampler({ seed: 7 }) });
    const trainer = memberJobTrainer<ToyState>({ createMember: () => toyMember() });
    const scheduler = new PBTScheduler({ ...rest, populationSize: 4, totalEpochs: 40, seed: 7 });
    await runScheduler(study, scheduler, new InProcessExecutor(trainer), { onRelease: (n) => trainer.release(n) });
    const trials = study.trials;
    expect(trials).toHaveLength(4 * 10);
    const lineage = lineageOf(trials);
    expect(lineage.length).toBeGreaterThan(0);
    for (const e of lineage) {
      const before = trials.filter((t) => t.number < e.trial && jobRecordOf(t)!.member === e.recipient).at(-1)!;
      expect(e.epoch).toBeGreaterThanOrEqual(jobRecordOf(before)!.toEpoch);
    }
  });

  it('asynchronous with one worker: takes exactly the decisions runPBT takes (both compare a ready member at its epoch)', async () => {
    const { initialParams: _, ...rest } = TOY;
    for (const seed of [1, 2, 3]) {
      const options = { ...rest, populationSize: 4, seed };
      const direct = await runPBT({ ...options, totalSteps: 40, createMember: () => toyMember() });
      const study = await createStudy({ direction: 'maximize', seed, sampler: new RandomSampler({ seed }) });
      const trainer = memberJobTrainer<ToyState>({ createMember: () => toyMember() });
      const scheduler = new PBTScheduler({ ...options, totalEpochs: 40 });
      await runScheduler(study, scheduler, new InProcessExecutor(trainer), { onRelease: (n) => trainer.release(n) });
      // Storage lists exploits as their jobs start, runPBT as they are decided: the same, by epoch and member.
      const byEpochAndMember = (a: readonly unknown[], b: readonly unknown[]) =>
        (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number);
      const stored = lineageOf(study.trials)
        .map((e) => [e.epoch, e.recipient, e.donor, e.paramsAfter])
        .sort(byEpochAndMember);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).toEqual(
        direct.lineage.map((e) => [e.step, e.recipient, e.donor, e.paramsAfter]).sort(byEpochAndMember),
      );
      expect(study.bestValue).toBeCloseTo(direct.best.score, 12);
    }
  });

  it.each([false, true])(
    'one seed repeats a run exactly: the same trials, params, values and lineage (synch %s)',
    async (synch) => {
      const a = (await runToyStudy(3, { synch })).study.trials;
      const b = (await runToyStudy(3, { synch })).study.trials;
      const c = (await runToyStudy(4, { synch })).study.trials;
      const view = (ts: typeof a) => ts.map((t) => [t.number, t.params, t.value, jobRecordOf(t)]);
      expect(view(b)).toEqual(view(a));
      expect(lineageOf(c)).not.toEqual(lineageOf(a));
    },
  );

  it('every exploit in storage names a donor trial that ended with the score it quotes, and starts from its epoch', async () => {
    const { initialParams: _, ...drawn } = TOY;
    const study = await createStudy({ direction: 'maximize', seed: 5, sampler: new RandomSampler({ seed: 5 }) });
    const trainer = memberJobTrainer<ToyState>({ createMember: () => toyMember() });
    await runScheduler(
      study,
      new PBTScheduler({ ...drawn, populationSize: 4, seed: 5 }),
      new InProcessExecutor(trainer),
      { onRelease: (n) => trainer.release(n) },
    );
    const trials = study.trials;
    const lineage = lineageOf(trials);
    expect(lineage.length).toBeGreaterThan(0);
    for (const e of lineage) {
      const donor = trials[e.donorTrial]!;
      expect(jobRecordOf(donor)!.member).toBe(e.donor);
      expect(donor.value).toBe(e.donorScore);
      expect(jobRecordOf(donor)!.toEpoch).toBe(e.epoch);
      const recipientJob = jobRecordOf(trials[e.trial]!)!;
      expect(recipientJob).toMatchObject({
        start: 'exploit',
        from: e.donorTrial,
        fromEpoch: e.epoch,
        member: e.recipient,
      });
      expect(trials[e.trial]!.params).toEqual(e.paramsAfter);
      expect(e.donorScore).toBeGreaterThanOrEqual(e.recipientScore as number);
    }
  });

  it('replaying the best trial’s stored schedule on a fresh member reproduces its score', async () => {
    const { study } = await runToyStudy(6);
    const best = study.bestTrial;
    const schedule = scheduleOfTrial(study.trials, best.number);
    expect(schedule.segments[0]!.fromStep).toBe(0);
    expect(schedule.toEpoch).toBe(200);
    const replayed = await replaySchedule(toyMember(), schedule.segments, schedule.toEpoch, 4);
    expect(replayed).toBeCloseTo(best.value as number, 12);
  });

  it('a member whose interval throws is FAIL, the run goes on and every member still reaches the budget', async () => {
    let calls = 0;
    const flaky = (): PBTMember<ToyState> => {
      const m = toyMember();
      return {
        ...m,
        train: (p, a, b) => {
          if (++calls % 9 === 0) throw new Error('flaky interval');
          return m.train(p, a, b);
        },
      };
    };
    const { study, scheduler } = await runToyStudy(2, { totalEpochs: 40 }, flaky);
    const failed = study.getTrials({ states: ['FAIL'] });
    expect(failed.length).toBeGreaterThan(0);
    expect(scheduler.population.map((m) => m.step)).toEqual([40, 40]);
  });

  it('a study reloaded mid-run goes on to the same budget (prepare rebuilds the population from the trials)', async () => {
    const study = await createStudy({ direction: 'maximize', seed: 9, sampler: new RandomSampler({ seed: 9 }) });
    const trainer = memberJobTrainer<ToyState>({ createMember: () => toyMember() });
    const first = new PBTScheduler({ ...TOY, seed: 9, totalEpochs: 40 });
    await first.prepare(study);
    // Run 5 jobs, then leave one WAITING as a dead process would.
    for (let i = 0; i < 5; i++) {
      const job = await first.nextJob(study);
      if (job === null || job === 'done') throw new Error('no job');
      const trial = await study.ask();
      const end = await trainer({ trial, job, report: async () => 'continue' });
      await study.tell(trial, end.value);
    }
    await first.nextJob(study); // created WAITING, never run
    const resumed = new PBTScheduler({ ...TOY, seed: 9, totalEpochs: 40 });
    await runScheduler(study, resumed, new InProcessExecutor(trainer), { onRelease: (n) => trainer.release(n) });
    expect(resumed.population.map((m) => m.step)).toEqual([40, 40]);
    const interrupted = study.trials.filter((t) => t.systemAttrs['pbt_interrupted'] === true);
    expect(interrupted.map((t) => t.number)).toEqual([5]);
    // Its job ran again as the next trial, unchanged, under a key of its own (it follows the interrupted trial).
    expect(jobRecordOf(study.trials[6]!)).toEqual({ ...jobRecordOf(interrupted[0]!), follows: 5 });
    expect(study.trials.filter((t) => t.state !== 'COMPLETE')).toEqual(interrupted);
  });
});

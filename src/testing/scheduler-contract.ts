/**
 * The behaviour every scheduler owes a search (`src/schedulers/scheduler.ts`): each job's trial
 * exists WAITING when the job is handed out, and a job that starts from another trial starts from a
 * finished one the scheduler has not released; 'done' is final; the same history gives the same
 * jobs, trials and decisions; a search stopped and resumed from storage ends exactly as one run
 * through; after a crash (a job left RUNNING), a fresh scheduler on the same storage fails that trial,
 * hands its work out again and finishes with nothing left WAITING or RUNNING. Call it from each
 * scheduler's test file:
 *
 *   describeSchedulerContract('ASHAScheduler', () => new ASHAScheduler({ maxEpochs: 9, maxTrials: 12 }));
 */
import { describe, expect, it } from '@jest/globals';

import * as advanced from '../advanced';
import * as tune from '../index';

/** Makes the scheduler under test: a fresh object each call, as a new process would. */
export type SchedulerFactory = () => advanced.Scheduler;

export interface SchedulerContractOptions {
  /**
   * Trains a job. Default: a toy learning curve over one parameter `x` in [0, 1] (suggested, so a
   * sampler or the scheduler's own params fix it), value (x - 0.3)² + 1/epoch, reported every epoch;
   * a decision other than continue ends it there; it hands over its last value as a state.
   */
  readonly trainer?: advanced.JobTrainer;
  /** Jobs that end before the simulated stop and the simulated crash. Default 5. */
  readonly jobsBeforeInterruption?: number;
  /**
   * Whether a resumed run after a crash hands out the same job shapes (from and to epochs, start
   * kind) as the uninterrupted run had left, with a trainer whose value depends on the epoch only.
   * Default true; a scheduler whose choices depend on trial numbers beyond ties may opt out.
   */
  readonly sameShapesAfterCrash?: boolean;
}

const quiet = { logger: tune.logging.silentLogger };

const stateOf = (value: number): advanced.PortableState => ({
  meta: { value },
  buffers: [new Float64Array([value]).buffer],
});

const curve: advanced.JobTrainer = async ({ trial, job, report }) => {
  const x = trial.suggestFloat('x', 0, 1);
  let value = NaN;
  for (let epoch = job.fromEpoch + 1; epoch <= job.toEpoch; epoch++) {
    value = (x - 0.3) ** 2 + 1 / epoch;
    if ((await report({ epoch, value })) !== 'continue') return { epoch, value, state: stateOf(value) };
  }
  return { epoch: job.toEpoch, value, state: stateOf(value) };
};

/** The same curve without `x`: every configuration alike, so rankings are ties broken by number. */
const flat: advanced.JobTrainer = async ({ trial, job, report }) => {
  trial.suggestFloat('x', 0, 1);
  for (let epoch = job.fromEpoch + 1; epoch <= job.toEpoch; epoch++) {
    if ((await report({ epoch, value: 1 / epoch })) !== 'continue')
      return { epoch, value: 1 / epoch, state: stateOf(1 / epoch) };
  }
  return { epoch: job.toEpoch, value: 1 / job.toEpoch, state: stateOf(1 / job.toEpoch) };
};

type Shape = [number, number, string];
const shapeOf = (job: advanced.Job): Shape => [job.fromEpoch, job.toEpoch, job.start.kind];

/** What one run did: every job in order, every decision, and what the scheduler had released. */
interface RunRecord {
  readonly jobs: advanced.Job[];
  readonly decisions: [number, number, advanced.Decision][];
  readonly problems: string[];
}

/**
 * An in-process executor that checks each job as it is handed out, and can stop (`stopAfter`) or
 * "crash" (`crashAfter`: claim the next job's trial and leave it RUNNING) after some jobs.
 */
function recordingExecutor(
  scheduler: advanced.Scheduler,
  trainer: advanced.JobTrainer,
  record: RunRecord,
  interruption: { kind: 'stop' | 'crash'; after: number } | null,
): advanced.Executor {
  const inner = new advanced.InProcessExecutor(trainer);
  return {
    slots: 1,
    release: (numbers) => inner.release(numbers),
    runJob: async (study, job, decide) => {
      await study.refresh();
      const trial = study.trials[job.trialNumber];
      if (trial?.state !== 'WAITING')
        record.problems.push(`job of trial ${job.trialNumber}: its trial is ${trial?.state ?? 'missing'}, not WAITING`);
      if (job.start.kind !== 'fresh') {
        const from = study.trials[job.start.from];
        if (from === undefined || from.state === 'WAITING' || from.state === 'RUNNING')
          record.problems.push(`job of trial ${job.trialNumber} starts from trial ${job.start.from}, not finished`);
        if (scheduler.releasable().includes(job.start.from))
          record.problems.push(`job of trial ${job.trialNumber} starts from released trial ${job.start.from}`);
      }
      if (job.toEpoch < job.fromEpoch) record.problems.push(`job of trial ${job.trialNumber} ends before it starts`);
      if (interruption?.kind === 'crash' && record.jobs.length === interruption.after) {
        await study.askOrNull(undefined, { waitingOnly: true, trialNumber: job.trialNumber }); // left RUNNING
        study.stop();
        return { state: 'FAIL', reason: 'the process died' };
      }
      record.jobs.push(job);
      const outcome = await inner.runJob(study, job, (result) => {
        const d = decide(result);
        record.decisions.push([job.trialNumber, result.epoch, d]);
        return d;
      });
      if (interruption?.kind === 'stop' && record.jobs.length === interruption.after) study.stop();
      return outcome;
    },
  };
}

async function newStudy(name: string, storage: tune.storages.Storage): Promise<tune.Study> {
  return tune.createStudy({
    studyName: name,
    storage,
    seed: 7, // seeds the default sampler, and is stored: a reloaded study samples alike
    ...quiet,
  });
}

async function run(
  study: tune.Study,
  scheduler: advanced.Scheduler,
  trainer: advanced.JobTrainer,
  interruption: { kind: 'stop' | 'crash'; after: number } | null = null,
): Promise<RunRecord> {
  const record: RunRecord = { jobs: [], decisions: [], problems: [] };
  await advanced.runScheduler(study, scheduler, recordingExecutor(scheduler, trainer, record, interruption));
  return record;
}

/** The study as a comparable table: number, state, params, value, system attributes but the owner. */
function history(study: tune.Study): unknown[] {
  return study.trials.map((t) => [t.number, t.state, t.params, t.value, t.systemAttrs]);
}

/**
 * Declares the scheduler contract's jest tests for the schedulers `makeScheduler` makes.
 *
 * @example
 * ```ts
 * import { describeSchedulerContract } from 'tfjs-tune/testing';
 * describeSchedulerContract('MyScheduler', () => new MyScheduler({ maxEpochs: 9 }));
 * ```
 */
export function describeSchedulerContract(
  name: string,
  makeScheduler: SchedulerFactory,
  options: SchedulerContractOptions = {},
): void {
  const trainer = options.trainer ?? curve;
  const after = options.jobsBeforeInterruption ?? 5;

  describe(`${name} (scheduler contract)`, () => {
    it('hands out only WAITING trials, starting from finished ones it has not released, and ends', async () => {
      const study = await newStudy('handed-out', new tune.storages.InMemoryStorage());
      const scheduler = makeScheduler();
      const record = await run(study, scheduler, trainer);
      expect(record.problems).toEqual([]);
      expect(record.jobs.length).toBeGreaterThan(after);
      expect(new Set(record.jobs.map((j) => j.trialNumber)).size).toBe(record.jobs.length);
      expect(study.trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
    });

    it("says 'done' for good: asked again, it creates no trial and hands out nothing", async () => {
      const study = await newStudy('done', new tune.storages.InMemoryStorage());
      const scheduler = makeScheduler();
      await run(study, scheduler, trainer);
      const before = study.trials.length;
      expect(await scheduler.nextJob(study)).toBe('done');
      expect(await scheduler.nextJob(study)).toBe('done');
      await study.refresh();
      expect(study.trials).toHaveLength(before);
    });

    it('gives the same jobs, trials and decisions for the same history', async () => {
      const a = await newStudy('same', new tune.storages.InMemoryStorage());
      const b = await newStudy('same', new tune.storages.InMemoryStorage());
      const ra = await run(a, makeScheduler(), trainer);
      const rb = await run(b, makeScheduler(), trainer);
      expect(rb.jobs).toEqual(ra.jobs);
      expect(rb.decisions).toEqual(ra.decisions);
      expect(history(b)).toEqual(history(a));
    });

    it('stopped and resumed from storage by a fresh scheduler, ends exactly as a search run through', async () => {
      const whole = await newStudy('whole', new tune.storages.InMemoryStorage());
      await run(whole, makeScheduler(), trainer);
      const storage = new tune.storages.InMemoryStorage();
      const split = await newStudy('split', storage);
      const first = await run(split, makeScheduler(), trainer, { kind: 'stop', after });
      expect(first.jobs).toHaveLength(after);
      const reloaded = await tune.loadStudy({ studyName: 'split', storage, ...quiet });
      const second = await run(reloaded, makeScheduler(), trainer);
      expect(second.problems).toEqual([]);
      expect(history(reloaded)).toEqual(history(whole));
    });

    it('after a crash, a fresh scheduler fails the job it left RUNNING, runs its work again and finishes', async () => {
      const check = options.sameShapesAfterCrash ?? true;
      const whole = await newStudy('whole', new tune.storages.InMemoryStorage());
      const through = await run(whole, makeScheduler(), flat);
      const storage = new tune.storages.InMemoryStorage();
      const crashed = await newStudy('crashed', storage);
      const first = await run(crashed, makeScheduler(), flat, { kind: 'crash', after });
      expect(first.jobs).toHaveLength(after);
      const orphan = crashed.trials.find((t) => t.state === 'RUNNING');
      expect(orphan).toBeDefined();
      const reloaded = await tune.loadStudy({ studyName: 'crashed', storage, ...quiet });
      const second = await run(reloaded, makeScheduler(), flat);
      expect(second.problems).toEqual([]);
      expect(reloaded.trials[orphan?.number as number]?.state).toBe('FAIL');
      expect(reloaded.trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
      if (check) {
        const sorted = (shapes: Shape[]): string[] => shapes.map((s) => JSON.stringify(s)).sort();
        expect(sorted(second.jobs.map(shapeOf))).toEqual(sorted(through.jobs.slice(after).map(shapeOf)));
      }
    });
  });
}

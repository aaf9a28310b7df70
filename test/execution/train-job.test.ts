import * as tune from '../../src';
import { trainJob } from '../../src/execution/train-job';
import type { JobTrainer } from '../../src/schedulers/scheduler';
import type { Study } from '../../src/study/study';

const quiet = { logger: tune.logging.silentLogger };

/** What another process's stale-trial check does to a trial whose heartbeat it missed. */
async function failElsewhere(study: Study, trialId: number): Promise<void> {
  await study.storage.setTrialSystemAttr(trialId, 'fail_reason', 'no heartbeat for 60000 ms');
  await study.storage.setTrialState(trialId, 'FAIL');
}

describe('trainJob when another process finished the trial meanwhile', () => {
  const job = { trialNumber: 0, fromEpoch: 0, toEpoch: 2, start: { kind: 'fresh' as const } };

  it.each([
    ['after training, at the tell', false],
    ['during training, at a report', true],
  ])('%s: the job ends FAIL with the reason, the study stays as the other process left it', async (_, early) => {
    const study = await tune.createStudy({ seed: 0, ...quiet });
    const trial = await study.ask();
    const trainer: JobTrainer = async (context) => {
      if (early) await failElsewhere(study, context.trial.trialId);
      await context.report({ epoch: 1, value: 0.5 });
      if (!early) await failElsewhere(study, context.trial.trialId);
      return { epoch: 2, value: 0.75, state: { meta: null, buffers: [new ArrayBuffer(4)] } };
    };
    const ended = await trainJob(study, trial, job, trainer, () => 'continue', tune.logging.silentLogger);
    expect(ended.outcome.state).toBe('FAIL');
    expect(ended.outcome).toMatchObject({ reason: expect.stringContaining('another process') });
    expect(ended.outcome).toMatchObject({ reason: expect.stringContaining('no heartbeat') });
    // No state goes on from a job whose trial is not this process's any more.
    expect(ended.state).toBeUndefined();
    const stored = await study.storage.getTrial(trial.trialId);
    expect(stored.state).toBe('FAIL');
    expect(stored.value).toBeNull();
  });

  it('other errors still fail the trial here', async () => {
    const study = await tune.createStudy({ seed: 0, ...quiet });
    const trial = await study.ask();
    const ended = await trainJob(
      study,
      trial,
      job,
      () => Promise.reject(new Error('diverged')),
      () => 'continue',
      tune.logging.silentLogger,
    );
    expect(ended.outcome).toEqual({ state: 'FAIL', reason: 'Error: diverged' });
    expect((await study.storage.getTrial(trial.trialId)).failReason).toBe('Error: diverged');
  });
});

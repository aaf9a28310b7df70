import { TrialFinishedError, TrialPruned } from '../errors';
import type {
  Decision,
  Job,
  JobContext,
  JobOutcome,
  JobResult,
  JobTrainer,
  PortableState,
} from '../schedulers/scheduler';
import type { Study } from '../study/study';
import type { Trial } from '../study/trial';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Logger } from '../util/logger';

/** One job's end, as the trial was told: the stored trial, the outcome for the scheduler, the state handed over. */
export interface TrainedJob {
  readonly trial: FrozenTrial;
  readonly outcome: JobOutcome;
  readonly state?: PortableState;
}

/**
 * What every executor does with a claimed job, in-process or on a worker thread: trains it with
 * `trainer`, recording each reported result on the trial and asking `decide`; then tells the trial.
 * COMPLETE with the trainer's value (FAIL when the study refuses it, e.g. NaN); PRUNED when the last
 * decision was 'stop' or the trainer threw `TrialPruned` (a pruner's verdict); FAIL, with the reason
 * logged, when the trainer threw anything else. 'pause' ends the job COMPLETE: its state goes on
 * in a later job. A trial another process finished meanwhile (its stale-trial check failed it: this
 * process's heartbeat was late) ends the job FAIL without a state: its job runs again elsewhere.
 */
export async function trainJob(
  study: Study,
  trial: Trial,
  job: Job,
  trainer: JobTrainer,
  decide: (result: JobResult) => Decision | Promise<Decision>,
  logger: Logger,
  startState?: PortableState,
): Promise<TrainedJob> {
  try {
    return await trainAndTell(study, trial, job, trainer, decide, logger, startState);
  } catch (e) {
    if (!(e instanceof TrialFinishedError)) throw e;
    const frozen = await study.storage.getTrial(trial.trialId);
    const reason = `finished by another process meanwhile (${frozen.failReason ?? frozen.state}); its result here is dropped`;
    logger.warn(`trial ${trial.number}: ${reason}`);
    return { trial: frozen, outcome: { state: 'FAIL', reason } };
  }
}

async function trainAndTell(
  study: Study,
  trial: Trial,
  job: Job,
  trainer: JobTrainer,
  decide: (result: JobResult) => Decision | Promise<Decision>,
  logger: Logger,
  startState?: PortableState,
): Promise<TrainedJob> {
  let decision = 'continue' as Decision;
  let epoch = job.fromEpoch;
  const context: JobContext = {
    trial,
    job,
    ...(startState !== undefined ? { startState } : {}),
    report: async (result) => {
      trial.report(result.value, result.epoch - 1);
      epoch = result.epoch;
      decision = await decide(result);
      return decision;
    },
  };
  let end;
  try {
    end = await trainer(context);
  } catch (e) {
    if (e instanceof TrialFinishedError) throw e;
    if (e instanceof TrialPruned) {
      const frozen = await study.tell(trial, null, { state: 'PRUNED' });
      return { trial: frozen, outcome: { state: 'PRUNED', epoch: (frozen.lastStep ?? epoch - 1) + 1 } };
    }
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    logger.warn(`trial ${trial.number} failed: ${reason}`);
    const frozen = await study.tell(trial, null, { state: 'FAIL', failReason: reason });
    return { trial: frozen, outcome: { state: 'FAIL', reason } };
  }
  const state = end.state !== undefined ? { state: end.state } : {};
  if (decision === 'stop') {
    const frozen = await study.tell(trial, null, { state: 'PRUNED' });
    return { trial: frozen, outcome: { state: 'PRUNED', epoch: end.epoch }, ...state };
  }
  const frozen = await study.tell(trial, end.value);
  if (frozen.state !== 'COMPLETE') {
    const reason = frozen.failReason ?? 'bad value';
    logger.warn(`trial ${trial.number} failed: ${reason}`);
    return { trial: frozen, outcome: { state: 'FAIL', reason } };
  }
  return { trial: frozen, outcome: { state: 'COMPLETE', epoch: end.epoch, value: frozen.value as number }, ...state };
}

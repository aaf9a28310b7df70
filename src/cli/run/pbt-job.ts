import type { DatasetSplits } from '../../../datasets/types';
import { pb2Explorer } from '../../schedulers/pb2/pb2-explorer';
import { jobRecordOf } from '../../schedulers/pbt/job-record';
import type { MemberJobTrainer } from '../../schedulers/pbt/member-trainer';
import { PBTScheduler } from '../../schedulers/pbt/pbt-scheduler';
import { spaceDistributions } from '../../schedulers/pbt/space-draw';
import { zooJobTrainer } from '../../schedulers/pbt/zoo-trainer';
import type { ZooMemberState } from '../../schedulers/pbt/zoo-member';
import type { JobContext, JobEnd } from '../../schedulers/scheduler';
import type { Distribution } from '../../space/distributions';
import { formatNumber } from '../../util/format';
import { zooFamily } from '../config/resolve';
import type { RunConfig } from '../config/schema';
import { configuredSpace } from '../config/space';
import type { PBTBlock } from '../config/pbt-block';

// What a `scheduler: { type: pbt | pb2 }` run is made of, shared by the process that runs the
// scheduler and the worker threads that train its members (`trial-worker.ts`).

export type PBTRunConfig = RunConfig & { readonly pbt: PBTBlock };

/**
 * The PBT (or PB2) scheduler a config describes; the process that runs the search owns it.
 * `shared`: for `tfjs-tune worker`, joining the study beside the run that created it.
 */
export function pbtSchedulerFor(config: PBTRunConfig, shared = false): PBTScheduler {
  const block = config.pbt;
  const space = configuredSpace(zooFamily(config), config);
  const known = spaceDistributions(space);
  const mutations: Record<string, Distribution> = {};
  for (const name of block.hyperparamMutations) mutations[name] = known[name] as Distribution;
  return new PBTScheduler({
    populationSize: block.populationSize,
    perturbationInterval: block.perturbationInterval,
    totalEpochs: config.epochs,
    burnInPeriod: block.burnInPeriod,
    quantileFraction: block.quantileFraction,
    resampleProbability: block.resampleProbability,
    perturbationFactors: block.perturbationFactors,
    synch: block.synch,
    seed: config.seed,
    space,
    hyperparamMutations: mutations,
    ...(shared ? { shared } : {}),
    ...(block.type === 'pb2'
      ? {
          explorer: pb2Explorer({
            resampleProbability: block.resampleProbability,
            perturbationFactors: block.perturbationFactors,
          }),
        }
      : {}),
  });
}

/**
 * The zoo members' trainer. On worker threads (`handOverStates`) each job's end state goes back to
 * the parent's executor, which hands it to whichever thread exploits or continues it; in one process
 * the trainer keeps it. Either way each end state is also checkpointed, so `--resume` goes on.
 */
export function pbtTrainerFor(
  config: PBTRunConfig,
  data: DatasetSplits,
  checkpointDir: string,
  handOverStates: boolean,
): MemberJobTrainer<ZooMemberState> {
  return zooJobTrainer({
    hyperModel: zooFamily(config),
    data,
    checkpointDir,
    seed: config.seed,
    metric: config.metric.name as 'val_acc' | 'val_loss',
    handOverStates,
  });
}

/** The line printed when an interval ends: which member, which epochs, whom it copied, its score. */
export function intervalLine(context: JobContext, end: JobEnd, metric: string): string {
  const r = jobRecordOf(context.trial.snapshot());
  const copied = r?.exploit ? `, copied member ${r.exploit.donor} (trial ${r.exploit.donorTrial})` : '';
  return `trial ${context.trial.number}: member ${r?.member ?? '?'} epochs ${context.job.fromEpoch}-${context.job.toEpoch}${copied}: ${metric} ${formatNumber(end.value)}`;
}

/**
 * `tfjs-tune/advanced`: the loops and building blocks under the tuners and `tfjs-tune run`, for
 * power users who drive their own executors, write their own samplers or register the training
 * kernels themselves. Public and versioned like the root entry, but lower level: most users need
 * only `tfjs-tune`.
 * @packageDocumentation
 * @module tfjs-tune/advanced
 */

// Epoch-budget searches: the scheduler contract, its one loop, executors, and the Hyperband / ASHA
// schedulers with the slots they hand out.
export { runScheduler } from './schedulers/run-scheduler';
export type { RunSchedulerOptions } from './schedulers/run-scheduler';
export type {
  Scheduler,
  Job,
  JobStart,
  JobResult,
  JobOutcome,
  Decision,
  Executor,
  JobTrainer,
  JobContext,
  JobEnd,
  PortableState,
} from './schedulers/scheduler';
export { InProcessExecutor } from './execution/in-process';
export { PoolExecutor, runSchedulerOnWorkers } from './execution/pool-executor';
export type { WorkersOptions } from './execution/pool-executor';
export { WorkerPool } from './execution/worker-pool';
export type { WorkerPoolOptions } from './execution/worker-pool';
export { serveJobs } from './execution/serve-jobs';
export type { ServeJobsOptions } from './execution/serve-jobs';
export type { TrainedJob } from './execution/train-job';
export { HyperbandScheduler } from './schedulers/hyperband';
export type { HyperbandSchedulerOptions } from './schedulers/hyperband';
export { ASHAScheduler, ashaRungs } from './schedulers/asha';
export type { ASHASchedulerOptions } from './schedulers/asha';
export { hyperbandSchedule } from './schedulers/hyperband-schedule';
export type { HyperbandBracket, HyperbandRound } from './schedulers/hyperband-schedule';
export { slotJobTrainer } from './schedulers/slot-job-trainer';
export { PBTScheduler } from './schedulers/pbt/pbt-scheduler';
export type { PBTSchedulerOptions } from './schedulers/pbt/pbt-settings';
export type { PBTJobRecord } from './schedulers/pbt/job-record';
export { memberJobTrainer } from './schedulers/pbt/member-trainer';
export type { MemberJobTrainer, MemberTrainerOptions } from './schedulers/pbt/member-trainer';
export { zooJobTrainer } from './schedulers/pbt/zoo-trainer';
export type { ZooTrainerOptions } from './schedulers/pbt/zoo-trainer';
export { lineageOf, scheduleOfTrial, formatLineage } from './schedulers/pbt/stored-lineage';
export type { TrialSchedule } from './schedulers/pbt/stored-lineage';
export type { HyperbandSlot, TrainSlot } from './training/train-slot';
export { slotTrainerFor } from './training/slot-trainer';
export type { SlotTrainerOptions, ZooSlotTrainer } from './training/slot-trainer';

// Define-by-run spaces outside a study.
export { enumerateGrid } from './tuners/grid-enumerator';
export { replaySuggestApi } from './tuners/hyperparameters';

// Building blocks for your own samplers.
export { JointSampler, withoutSingleValued } from './samplers/joint-sampler';
export type { JointSamplerOptions } from './samplers/joint-sampler';
export { IntersectionSearchSpace } from './samplers/intersection-search-space';
export type { IntersectionSearchSpaceOptions } from './samplers/intersection-search-space';
export { sampleUniform } from './space/sample-uniform';
export { defaultGamma, hyperoptDefaultGamma, defaultWeights } from './samplers/tpe/weights';
export { dominates, paretoFront } from './study/multi-objective';
export { ProgressBar } from './study/progress-bar';

// The training engine: kernels, layers and optimizer state.
export {
  BACKEND_ENV_VAR,
  BACKEND_NAMES,
  registerWasmTrainingKernels,
  registerTrainingOps,
  DilatedDepthwiseConv2D,
  dilatedDepthwiseConv2d,
} from './training/backend';
export type { DilatedDepthwiseConv2DArgs } from './training/backend';
export { readOptimizerState, writeOptimizerState } from './training/checkpoint/optimizer-state';
export type { NamedWeight, OptimizerState } from './training/checkpoint/optimizer-state';

// Population-based training's explore step: PBT's perturbation or PB2's GP-UCB bandit.
export { pb2Explorer } from './schedulers/pb2/pb2-explorer';
export type { PB2ExplorerOptions } from './schedulers/pb2/pb2-explorer';
export type { Explorer, ExploreContext, IntervalRecord } from './schedulers/pbt/explorer';
export type { ExploreOptions } from './schedulers/pbt/explore';
export type { PBTParams } from './schedulers/pbt/member';
// Types the PBT / PB2 exports above refer to.
export type { PBTMember, ScheduleSegment } from './schedulers/pbt/member';
export type { ZooMemberState } from './schedulers/pbt/zoo-member';
export type { SpaceFn } from './schedulers/pbt/space-draw';
export type { MemberView } from './schedulers/pbt/population';
export type { PB2TimeScale } from './schedulers/pb2/pb2-data';

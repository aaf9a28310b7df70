/**
 * Callbacks for tfjs `model.fit`: early stopping, reporting to a trial (pruning inside `fit`), and
 * learning-rate / parameter schedules (`tune.callbacks`).
 * @module callbacks
 */
export { EarlyStopping, earlyStopping } from '../training/callbacks/early-stopping';
export type { EarlyStoppingArgs, MonitorMode } from '../training/callbacks/early-stopping';
export { ReportToTrial, reportToTrial } from '../training/callbacks/report-to-trial';
export type { ReportToTrialArgs, TrialReporter } from '../training/callbacks/report-to-trial';
export {
  LearningRateScheduler,
  learningRateSchedule,
  ParameterScheduler,
  parameterSchedule,
} from '../training/callbacks/schedule-callbacks';
export type {
  LearningRateFn,
  LearningRateScheduleArgs,
  ParameterScheduleArgs,
  ParameterSetter,
} from '../training/callbacks/schedule-callbacks';
export type { UnresolvedLogs } from '../training/callbacks/logs';
export {
  getOptimizerLearningRate,
  setDropoutRate,
  setOptimizerBetas,
  setOptimizerLearningRate,
  setOptimizerMomentum,
} from '../training/callbacks/optimizer-params';
export { getOptimizerWeightDecay, setOptimizerWeightDecay } from '../training/callbacks/weight-decay';
export { LIVE_MUTABLE_PARAMS, applyLiveParams } from '../training/live-params';

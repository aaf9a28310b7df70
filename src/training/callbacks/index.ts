export { EarlyStopping, earlyStopping, resolveMode } from './early-stopping';
export type { EarlyStoppingArgs, MonitorMode } from './early-stopping';
export { ReportToTrial, reportToTrial } from './report-to-trial';
export type { ReportToTrialArgs, TrialReporter } from './report-to-trial';
export {
  LearningRateScheduler,
  learningRateSchedule,
  ParameterScheduler,
  parameterSchedule,
} from './schedule-callbacks';
export type {
  LearningRateFn,
  LearningRateScheduleArgs,
  ParameterScheduleArgs,
  ParameterSetter,
} from './schedule-callbacks';
export {
  getOptimizerLearningRate,
  setDropoutRate,
  setOptimizerLearningRate,
  setOptimizerMomentum,
} from './optimizer-params';
export { resolveLogs } from './logs';
export type { UnresolvedLogs } from './logs';

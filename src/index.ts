/**
 * tfjs-tune: hyperparameter and architecture tuning for TensorFlow.js.
 *
 * @example
 * ```ts
 * import * as tune from 'tfjs-tune';
 * const study = await tune.createStudy({ direction: 'minimize', seed: 0 });
 * await study.optimize((trial) => trial.suggestFloat('x', -5, 5) ** 2, { nTrials: 20 });
 * console.log(study.bestValue);
 * ```
 * @packageDocumentation
 */
export * from './errors';
export * from './random';
export * from './space';
export * from './samplers';
export * from './pruners';
export * from './study';
export type { Storage, StudyRecord, TrialTemplate, CreateTrialOptions } from './storage/base';
export { InMemoryStorage } from './storage/memory';
export { SqliteStorage } from './storage/sqlite';
export type { SqliteStorageOptions } from './storage/sqlite-open';
export { storageFromUrl } from './storage/from-url';
export { FrozenTrial } from './trial/frozen-trial';
export type { FrozenTrialFields } from './trial/frozen-trial';
export type { TrialState, StudyDirection } from './trial/state';
export type { JsonValue } from './trial/json';
export type { Logger } from './util/logger';
export { silentLogger, stderrLogger } from './util/logger';
export * as callbacks from './training/callbacks';
export * as schedules from './training/schedules';
export { saveCheckpoint, loadCheckpoint, copyWeights, CheckpointHandler, readCheckpoint } from './training/checkpoint';
export type {
  SaveCheckpointOptions,
  LoadCheckpointOptions,
  LoadedCheckpoint,
  CopyWeightsOptions,
  CheckpointExtras,
  CheckpointInfo,
  ReadCheckpoint,
} from './training/checkpoint';
export { kFold, stratifiedKFold, timeSeriesSplit, crossValScore } from './training/cross-validation';
export type {
  Split,
  KFoldOptions,
  TimeSeriesSplitOptions,
  CrossValScoreOptions,
  CrossValScoreResult,
  ScoreFn,
} from './training/cross-validation';
export type { HyperModel, SuggestApi, BuildContext, Params } from './training/hyper-model';
export * from './tuners';
export {
  initBackend,
  describeBackend,
  BACKEND_ENV_VAR,
  BACKEND_NAMES,
  BackendUnavailableError,
  registerWasmTrainingKernels,
  DilatedDepthwiseConv2D,
  dilatedDepthwiseConv2d,
} from './training/backend';
export type { BackendInfo, BackendName, InitBackendOptions, DilatedDepthwiseConv2DArgs } from './training/backend';
export { disposeModel } from './training/dispose-model';
export * as datasets from '../datasets';
export * as models from '../models';
export { objectiveFor } from './training/objective-for';
export type { ObjectiveForOptions, ZooObjective } from './training/objective-for';
export { slotTrainerFor } from './training/slot-trainer';
export type { SlotTrainerOptions, ZooSlotTrainer } from './training/slot-trainer';

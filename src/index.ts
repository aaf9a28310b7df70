/**
 * tfjs-tune: hyperparameter and architecture tuning for TensorFlow.js.
 *
 * The study API sits at the top level, as in Optuna; everything else is grouped in namespaces
 * (`tune.samplers`, `tune.pruners`, `tune.storages`, `tune.tuners`, …). Loop plumbing for power users
 * is in `tfjs-tune/advanced`, the conformance suites for your own samplers, storages and pruners in
 * `tfjs-tune/testing`. Anything not exported here is private and may change without notice.
 *
 * @example
 * ```ts
 * import * as tune from 'tfjs-tune';
 * const study = await tune.createStudy({ direction: 'minimize', seed: 0, sampler: new tune.samplers.TPESampler() });
 * await study.optimize((trial) => trial.suggestFloat('x', -5, 5) ** 2, { nTrials: 20 });
 * console.log(study.bestValue);
 * ```
 * @packageDocumentation
 * @module tfjs-tune
 */

// Studies and trials (Optuna's top level).
export { createStudy, loadStudy, deleteStudy, getAllStudySummaries } from './study/create-study';
export type { CreateStudyOptions, LoadStudyOptions, StudySummary } from './study/create-study';
export { Study } from './study/study';
export type { FailedTrialCallback, OptimizeOptions, StudyCallback, TellOptions } from './study/study';
export type { ErrorClass, Objective, OptimizeLoopOptions } from './study/optimize';
export type { ObjectiveResult } from './study/objective-result';
export type { ProgressBarOptions } from './study/progress-bar';
export { maxTrialsCallback } from './study/callbacks';
export { Trial } from './study/trial';
export type { SuggestFloatOptions, SuggestIntOptions } from './study/trial';
export { TrialPruned } from './errors';
export { FrozenTrial } from './trial/frozen-trial';
export type { FrozenTrialFields } from './trial/frozen-trial';
export type { TrialState, StudyDirection } from './trial/state';
export type { JsonValue } from './trial/json';
export { Rng } from './random/rng';
export type { RngState } from './random/rng';

// The HyperModel contract the zoo, the tuners and `tfjs-tune run` share (KerasTuner's top level).
export type { HyperModel, SuggestApi, BuildContext, Params } from './training/hyper-model';

// The tfjs backend: tensorflow (tfjs-node) -> wasm -> cpu, or TFJS_TUNE_BACKEND.
export { initBackend, describeBackend } from './training/backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './training/backend';

export * as samplers from './api/samplers';
export * as pruners from './api/pruners';
export * as storages from './api/storages';
export * as distributions from './api/distributions';
export * as tuners from './api/tuners';
export * as callbacks from './api/callbacks';
export * as schedules from './api/schedules';
export * as checkpoints from './api/checkpoints';
export * as crossValidation from './api/cross-validation';
export * as models from './api/models';
export * as ensemble from './api/ensemble';
export * as datasets from './api/datasets';
export * as evaluation from './api/evaluation';
export * as errors from './api/errors';
export * as logging from './api/logging';
export * as analysis from './api/analysis';
export * as importance from './api/importance';
export * as report from './api/report';

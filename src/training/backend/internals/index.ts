/**
 * The one place tfjs-tune reaches into tfjs: private fields of optimisers, models, layers and the
 * engine, the kernel registry's untyped behaviour, bundler-mangled names and classes exported only
 * as types. Every other file goes through these accessors, and every access is declared with what it
 * relies on, which the canary test (test/training/backend/tfjs-internals.test.ts) checks against the
 * installed tfjs: a tfjs upgrade that moves one fails there, naming it.
 */
export { INTERNALS_MODULE, INTERNAL_CHECKS, INTERNAL_VIEWS } from './view';
export type { FieldKind, InternalCheck, InternalView } from './view';
export { adamFields, learningRateFields, momentumFields, sgdFields } from './optimizers';
export type { AdamFields, AdamSlot, LearningRateFields, MomentumFields, SGDFields } from './optimizers';
export {
  compiledModelFields,
  containerFields,
  dropoutFields,
  isStockCategoricalAccuracy,
  layersModelFields,
  sequentialFields,
} from './models';
export type {
  CompiledModelFields,
  ContainerFields,
  DropoutFields,
  LayersModelFields,
  LossOrMetricFn,
  SequentialFields,
} from './models';
export {
  asRegularizer,
  batchNormFields,
  denseFields,
  depthwiseFields,
  l1l2Fields,
  lstmCellFields,
  lstmFields,
  registerSerializable,
  stockClass,
} from './layers';
export type {
  BatchNormFields,
  DenseFields,
  DepthwiseFields,
  L1L2Fields,
  LSTMCellFields,
  LSTMFields,
  StockClassName,
} from './layers';
export { attrsOf, cpuBackendFields, engineFields, registeredGradient, registeredKernel } from './engine';
export type { CpuBackendFields, EngineFields } from './engine';
export { wasmBackendFields, wasmModuleFields } from './wasm';
export type { WasmBackendFields, WasmModuleFields } from './wasm';

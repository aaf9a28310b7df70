export {
  BACKEND_ENV_VAR,
  BACKEND_NAMES,
  BackendUnavailableError,
  DILATED_DEPTHWISE_GRADIENT,
  describeBackend,
  initBackend,
} from './select-backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './select-backend';
export {
  patchedWasmKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from './kernels/register-wasm-kernels';
export { depthwiseConv2dNativeGradConfig, registerDilatedDepthwiseGradient } from './dilated-depthwise-gradient';
export { DilatedDepthwiseConv2D, dilatedDepthwiseConv2d } from './dilated-depthwise-layer';
export type { DilatedDepthwiseConv2DArgs } from './dilated-depthwise-layer';
export { disposeModel } from './dispose-model';
export { FusedLSTM, fusedLstm } from './fused-lstm-layer';
export type { FusedLstmArgs } from './fused-lstm-layer';
export { lstmSequence } from './lstm-sequence';
export type { LstmSequenceOptions } from './lstm-sequence';
export { FusedDense, denseForward, fusedDense } from './fused-dense-layer';
export type { DenseActivation, FusedDenseArgs } from './fused-dense-layer';
export {
  FUSED_BATCH_NORM,
  FusedBatchNormalization,
  batchNormTraining,
  fusedBatchNormalization,
} from './fused-batch-norm-layer';
export type { FusedBatchNormalizationArgs } from './fused-batch-norm-layer';
export { FusedAdamOptimizer, fusedAdam } from './fused-adam';
export { FusedL1L2, fusedL1L2, fusedL2 } from './fused-regularizer';
export { fusedCategoricalAccuracy, fusedCategoricalCrossentropy, useFusedCrossentropy } from './fused-crossentropy';

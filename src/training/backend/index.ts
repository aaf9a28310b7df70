// The one entry to the training engine for the rest of tfjs-tune: backend selection, the one
// registration step, and the fused ops and layers. tfjs internals stay behind ./internals.
export {
  BACKEND_ENV_VAR,
  BACKEND_NAMES,
  BackendUnavailableError,
  describeBackend,
  initBackend,
} from './select-backend';
export type { BackendInfo, BackendName, InitBackendOptions } from './select-backend';
export { DILATED_DEPTHWISE_GRADIENT, registerForBackend, registerTrainingOps } from './register';
export {
  patchedWasmKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from './kernels/register-wasm-kernels';
export {
  depthwiseConv2dNativeGradConfig,
  registerDilatedDepthwiseGradient,
} from './kernels/dilated-depthwise-gradient';
export { DilatedDepthwiseConv2D, dilatedDepthwiseConv2d } from './layers/dilated-depthwise-layer';
export type { DilatedDepthwiseConv2DArgs } from './layers/dilated-depthwise-layer';
export { FusedLSTM, fusedLSTM } from './layers/fused-lstm-layer';
export type { FusedLSTMArgs } from './layers/fused-lstm-layer';
export { lstmSequence } from './ops/lstm-sequence';
export type { LSTMSequenceOptions } from './ops/lstm-sequence';
export { FusedDense, fusedDense } from './layers/fused-dense-layer';
export type { FusedDenseArgs } from './layers/fused-dense-layer';
export { denseForward } from './ops/fused-dense';
export type { DenseActivation } from './ops/fused-dense';
export { FusedBatchNormalization, fusedBatchNormalization } from './layers/fused-batch-norm-layer';
export type { FusedBatchNormalizationArgs } from './layers/fused-batch-norm-layer';
export { FUSED_BATCH_NORM, batchNormTraining } from './ops/fused-batch-norm';
export { FusedAdamOptimizer, fusedAdam } from './ops/fused-adam';
export { FusedL1L2, fusedL1L2, fusedL2 } from './ops/fused-regularizer';
export { fusedCategoricalAccuracy, fusedCategoricalCrossentropy, useFusedCrossentropy } from './ops/fused-crossentropy';
// The tfjs internals that training code outside backend/ reads (optimiser and model fields).
export {
  adamFields,
  containerFields,
  dropoutFields,
  engineFields,
  layersModelFields,
  learningRateFields,
  momentumFields,
  sgdFields,
} from './internals';
export type { AdamFields } from './internals';

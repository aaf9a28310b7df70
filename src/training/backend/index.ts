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

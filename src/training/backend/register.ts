import * as tf from '@tensorflow/tfjs';

import { registerSerializable, registeredKernel } from './internals';
import { registerDilatedDepthwiseGradient } from './kernels/dilated-depthwise-gradient';
import { registerWasmTrainingKernels } from './kernels/register-wasm-kernels';
import { DilatedDepthwiseConv2D } from './layers/dilated-depthwise-layer';
import { FusedBatchNormalization } from './layers/fused-batch-norm-layer';
import { FusedDense } from './layers/fused-dense-layer';
import { FusedLSTM } from './layers/fused-lstm-layer';
import { batchNormGradient, batchNormKernels } from './ops/fused-batch-norm';
import { denseGradient, denseKernels } from './ops/fused-dense';
import { l1l2Gradient, l1l2Kernels } from './ops/fused-regularizer';
import { reluGradient, reluGradKernels } from './ops/relu-grad';

/*
 * Every registration tfjs-tune makes with tfjs happens here, when asked (by initBackend, or by code
 * that builds or loads fused models without it), never at import time: importing tfjs-tune leaves
 * tfjs's registries as they were.
 */

/** The label {@link BackendInfo.kernelsPatched} uses for the dilated depthwise gradient. */
export const DILATED_DEPTHWISE_GRADIENT = 'DepthwiseConv2dNative (dilated gradient)';

const FUSED_KERNELS: ReadonlyArray<{ kernels: readonly tf.KernelConfig[]; gradient: tf.GradConfig }> = [
  { kernels: denseKernels, gradient: denseGradient },
  { kernels: batchNormKernels, gradient: batchNormGradient },
  { kernels: reluGradKernels, gradient: reluGradient },
  { kernels: l1l2Kernels, gradient: l1l2Gradient },
];

/** Our layer classes, registered for (de)serialisation under their class names. */
const SERIALIZABLE_LAYERS = [FusedDense, FusedLSTM, FusedBatchNormalization, DilatedDepthwiseConv2D] as const;

/**
 * Registers what the fused ops and layers need on every backend: the fused dense, batch-norm and
 * L1L2 kernels (wasm and cpu) with their gradients, ReLU's gradient as one kernel, the fused and
 * dilated layer classes for serialisation (a saved model, and `tf.layers.bidirectional`'s copy of a fused LSTM, are rebuilt
 * by class name), and the dilated depthwise gradient. Idempotent and cheap: {@link tfjs-tune!initBackend | initBackend}
 * calls it, and so do the zoo's `build` and `loadCheckpoint`, so those work without initBackend.
 */
export function registerTrainingOps(): void {
  for (const { kernels, gradient } of FUSED_KERNELS) {
    // Once per tfjs instance.
    if (kernels.every((k) => registeredKernel(k.kernelName, k.backendName) !== undefined)) continue;
    for (const config of kernels) {
      if (registeredKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
    }
    tf.registerGradient(gradient);
  }
  for (const cls of SERIALIZABLE_LAYERS) registerSerializable(cls);
  registerDilatedDepthwiseGradient();
}

/**
 * Everything training on `backend` needs: {@link registerTrainingOps}, and on wasm its missing and
 * faster gradient kernels. Returns the names for {@link BackendInfo.kernelsPatched}, sorted.
 */
export function registerForBackend(backend: string): string[] {
  registerTrainingOps();
  const kernels = backend === 'wasm' && tf.getBackend() === 'wasm' ? registerWasmTrainingKernels() : [];
  return [...kernels, DILATED_DEPTHWISE_GRADIENT].sort();
}

import * as tf from '@tensorflow/tfjs';

import {
  FUSED_BATCH_NORM,
  FusedLSTM,
  depthwiseConv2dNativeGradConfig,
  registerTrainingOps,
} from '../../../src/training/backend';
import { FUSED_DENSE } from '../../../src/training/backend/ops/fused-dense';

const kernel = (name: string, backend: string): tf.KernelConfig | undefined =>
  tf.getKernel(name, backend) as tf.KernelConfig | undefined;

describe('registerTrainingOps', () => {
  it('is the only registration: importing the backend registers nothing', () => {
    expect(kernel(FUSED_DENSE, 'cpu')).toBeUndefined();
    expect(kernel(FUSED_BATCH_NORM, 'wasm')).toBeUndefined();
    expect(tf.getGradient('DepthwiseConv2dNative')).not.toBe(depthwiseConv2dNativeGradConfig);
    expect(tf.serialization.SerializationMap.getMap().classNameMap[FusedLSTM.className]).toBeUndefined();
  });

  it('registers the fused kernels, their gradients, the layer classes and the dilated gradient, idempotently', () => {
    registerTrainingOps();
    const first = kernel(FUSED_DENSE, 'cpu');
    registerTrainingOps();
    for (const name of [FUSED_DENSE, FUSED_BATCH_NORM]) {
      for (const backend of ['cpu', 'wasm']) expect(kernel(name, backend)).toBeDefined();
      expect(tf.getGradient(name)).toBeDefined();
    }
    expect(kernel(FUSED_DENSE, 'cpu')).toBe(first);
    expect(tf.getGradient('DepthwiseConv2dNative')).toBe(depthwiseConv2dNativeGradConfig);
    expect(tf.serialization.SerializationMap.getMap().classNameMap[FusedLSTM.className]?.[0]).toBe(FusedLSTM);
  });
});

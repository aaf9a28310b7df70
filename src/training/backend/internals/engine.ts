import * as tf from '@tensorflow/tfjs';

import { defineCheck, defineView } from './view';

type Engine = ReturnType<typeof tf.engine>;

/** The engine's backend registries and variables (public in its typings, but not tfjs API). */
export type EngineFields = Pick<Engine, 'registry' | 'registryFactory' | 'registeredVariables'>;

export const engineFields = defineView<EngineFields, Engine>(
  'Engine',
  { registry: 'field', registryFactory: 'field', registeredVariables: 'field' },
  () => tf.engine(),
);

/** The cpu backend's allocator (its class is not exported by @tensorflow/tfjs). */
export interface CpuBackendFields {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

export const cpuBackendFields = defineView<CpuBackendFields, tf.KernelBackend>(
  'MathBackendCPU',
  { makeTensorInfo: 'method' },
  () => tf.engine().findBackend('cpu'),
);

/** A registered kernel, or undefined: getKernel is typed as always returning a config, but does not. */
export function registeredKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined;
}

/** A registered gradient, or undefined (typed as always returning one, like getKernel). */
export function registeredGradient(kernelName: string): tf.GradConfig | undefined {
  return tf.getGradient(kernelName) as tf.GradConfig | undefined;
}

defineCheck('tf.getKernel returns undefined for a kernel that is not registered', () => {
  return registeredKernel('TfjsTuneNoSuchKernel', 'cpu') === undefined;
});
defineCheck('tf.getGradient returns undefined for a kernel without a gradient', () => {
  return registeredGradient('TfjsTuneNoSuchKernel') === undefined;
});

/**
 * A kernel's attributes as the kernel's own attrs type: kernels receive a `NamedAttrMap`, whose
 * typing does not overlap the interfaces tfjs declares for each kernel's attributes.
 */
export function attrsOf<T>(attrs: tf.NamedAttrMap | undefined): T {
  return attrs as unknown as T;
}

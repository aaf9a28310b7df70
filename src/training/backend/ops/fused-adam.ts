import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { adamFields, engineFields } from '../internals';

// Math's functions bound once: inside jest's vm context every `Math.x` is a global lookup through
// the sandbox's interceptors, which made the hot loops below ~6x slower under test.
const fround = Math.fround;
const sqrt = Math.sqrt;

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** Backends whose tensors JS can read in place (wasm's heap, cpu's arrays) without a device copy. */
const IN_MEMORY = new Set(['wasm', 'cpu']);

/**
 * tfjs's Adam with the update of each variable done in one JS loop instead of ~14 kernel calls
 * (on a small model the optimiser's kernel overhead, not its arithmetic, was ~30% of a training
 * step). Same state (first and second moments, `accBeta1/2`, iterations), same weights for
 * `getWeights` / `setWeights`, same config and class name (`Adam`), so checkpoints and saved models
 * are interchangeable with the stock optimiser; the arithmetic is float64 rounded to float32 once
 * per value, where tfjs rounds after each op (a difference of a few float32 ulps).
 *
 * The fused update runs on the wasm and cpu backends (where tensors live in JS-visible memory); on
 * any other backend, or for a non-float32 variable, the stock update runs.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!IN_MEMORY.has(tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = adamFields(this);
    const entries: Array<[string, tf.Tensor | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.keys(variableGradients).map((name) => [name, variableGradients[name]]);
    const variables = engineFields(tf.engine()).registeredVariables;
    if (
      entries.some(([name, g]) => variables[name]?.dtype !== 'float32' || (g !== undefined && g.dtype !== 'float32'))
    ) {
      super.applyGradients(variableGradients);
      return;
    }
    const onWasm = tf.getBackend() === 'wasm';
    const backend = tf.backend();
    const read = (t: tf.TensorInfo): Float32Array =>
      onWasm
        ? ((backend as BackendWasm).typedArrayFromHeap(t) as Float32Array)
        : (backend.readSync(t.dataId) as Float32Array);
    const { beta1, beta2, epsilon, learningRate } = self;
    // tfjs computes 1 - accBeta in float32 from the float32 variables; so do we.
    const accBeta1 = (self.accBeta1.dataSync()[0] ?? beta1) as number;
    const accBeta2 = (self.accBeta2.dataSync()[0] ?? beta2) as number;
    const correction1 = fround(1 - accBeta1);
    const correction2 = fround(1 - accBeta2);
    tf.tidy(() => {
      entries.forEach(([name, gradient], i) => {
        const value = variables[name] as tf.Variable;
        const first = (self.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
        const second = (self.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
        if (gradient === undefined) return;
        // The new values go straight to backend memory (wasm's heap, cpu's arrays): no copy.
        const outputs = [0, 1, 2].map(() => newOutput(backend, onWasm, value.shape));
        // Views only after every allocation (a wasm allocation can detach older views).
        adamUpdate(
          read(gradient),
          read(first),
          read(second),
          read(value),
          read(outputs[0] as tf.TensorInfo),
          read(outputs[1] as tf.TensorInfo),
          read(outputs[2] as tf.TensorInfo),
          beta1,
          beta2,
          correction1,
          correction2,
          epsilon,
          learningRate,
        );
        const [m, v, w] = outputs.map((info) => tf.engine().makeTensorFromTensorInfo(info, backend)) as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        first.assign(m);
        second.assign(v);
        value.assign(w);
      });
      self.accBeta1.assign(tf.scalar(fround(accBeta1 * beta1)));
      self.accBeta2.assign(tf.scalar(fround(accBeta2 * beta2)));
    });
    self.incrementIterations();
  }
}

/** A float32 tensor's worth of backend memory, not yet a tensor (uninitialised on wasm, zeros on cpu). */
function newOutput(backend: tf.KernelBackend, onWasm: boolean, shape: number[]): tf.TensorInfo {
  if (onWasm) return (backend as BackendWasm).makeOutput(shape, 'float32');
  const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/** One Adam step over flat arrays (a top-level function of plain arguments, so V8 keeps them in registers). */
function adamUpdate(
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  w: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  wOut: Float32Array,
  beta1: number,
  beta2: number,
  correction1: number,
  correction2: number,
  epsilon: number,
  learningRate: number,
): void {
  const n = wOut.length;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const step = learningRate / correction1;
  const scale2 = 1 / correction2;
  for (let k = 0; k < n; k++) {
    const gk = g[k] as number;
    const mk = fround((m[k] as number) * beta1 + gk * oneMinusBeta1);
    const vk = fround((v[k] as number) * beta2 + gk * gk * oneMinusBeta2);
    mOut[k] = mk;
    vOut[k] = vk;
    wOut[k] = (w[k] as number) - (step * mk) / (sqrt(vk * scale2) + epsilon);
  }
}

/** `tf.train.adam` with the fused update: a drop-in (same arguments and defaults). */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

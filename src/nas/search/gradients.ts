import * as tf from '@tensorflow/tfjs';

import type { DartsNetwork } from '../darts-layers';

/** Images and their one-hot labels. */
export interface Batch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor2D;
}

/** The supernet's two groups of variables: the network weights and α (normal, then reduce). */
export interface SupernetVariables {
  readonly weights: tf.Variable[];
  readonly alphas: tf.Variable[];
}

/** A LayerVariable's tensor is a `tf.Variable`: what `variableGrads` and `assign` work on. */
export function supernetVariables(network: DartsNetwork): SupernetVariables {
  const alphas = network.alphaWeights();
  if (alphas.length !== 2) throw new Error('a bilevel search needs the supernet (a DartsNetwork without genotype)');
  const alphaSet = new Set(alphas);
  return {
    weights: network.trainableWeights.filter((w) => !alphaSet.has(w)).map((w) => w.read() as tf.Variable),
    alphas: alphas.map((w) => w.read() as tf.Variable),
  };
}

/** What one gradient pass measured, besides the gradients. */
export interface GradientPass {
  /** One per variable asked for; zeros where the loss does not depend on it. The caller disposes them. */
  readonly grads: tf.Tensor[];
  readonly loss: number;
  /** Correctly classified images of the batch. */
  readonly correct: number;
}

/**
 * Cross-entropy of the supernet on `batch` (batch norm on batch statistics, as DARTS' search always
 * runs in train mode) and its gradient with respect to `vars`.
 */
export function gradientPass(network: DartsNetwork, batch: Batch, vars: readonly tf.Variable[]): GradientPass {
  let correct: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const logits = network.apply(batch.x, { training: true }) as tf.Tensor2D;
    correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(batch.y, 1)), 'float32')));
    return tf.losses.softmaxCrossEntropy(batch.y, logits) as tf.Scalar;
  }, vars.slice());
  const out = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
  const result = {
    grads: out,
    loss: value.dataSync()[0] as number,
    correct: (correct as tf.Tensor).dataSync()[0] as number,
  };
  tf.dispose([value, correct as tf.Tensor]);
  return result;
}

/** Writes `values` into `vars` (same order and shapes). */
export function assignAll(vars: readonly tf.Variable[], values: readonly tf.Tensor[]): void {
  vars.forEach((v, i) => v.assign(values[i] as tf.Tensor));
}

/** `vars + scale · direction`, as new tensors. */
export function shifted(vars: readonly tf.Tensor[], direction: readonly tf.Tensor[], scale: number): tf.Tensor[] {
  return tf.tidy(() => vars.map((v, i) => tf.add(v, tf.mul(direction[i] as tf.Tensor, scale))));
}

/** ‖t‖₂ over a list of tensors, as a number. */
export function globalNorm(ts: readonly tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t))))).dataSync()[0] as number);
}

export interface SecondOrderInputs {
  readonly network: DartsNetwork;
  readonly vars: SupernetVariables;
  readonly train: Batch;
  readonly val: Batch;
  /** The weights' learning rate ξ of the virtual step. */
  readonly learningRate: number;
  /** The step the weights' optimiser would take now (decayed gradient plus momentum), per weight. */
  readonly direction: (grads: readonly tf.Tensor[]) => tf.Tensor[];
}

/**
 * DARTS' second-order α gradient: ∇α L_val(w', α) − ξ · ∇²α,w L_train(w, α) · ∇w' L_val(w', α), where
 * w' = w − ξ · direction(∇w L_train) is one virtual step, and the Hessian-vector product is the central
 * difference (∇α L_train(w⁺) − ∇α L_train(w⁻)) / 2ε at w± = w ± ε·∇w' L_val, ε = 0.01 / ‖∇w' L_val‖.
 * The weights are back at w afterwards. Returns the gradient and the validation pass's loss and hits.
 */
export function secondOrderAlphaGradient(inputs: SecondOrderInputs): GradientPass {
  const { network, vars, train, val, learningRate } = inputs;
  const nAlpha = vars.alphas.length;
  const saved = vars.weights.map((w) => tf.clone(w));
  try {
    const trainPass = gradientPass(network, train, vars.weights);
    const direction = inputs.direction(trainPass.grads);
    tf.dispose(trainPass.grads);
    const unrolled = shifted(saved, direction, -learningRate);
    tf.dispose(direction);
    assignAll(vars.weights, unrolled);
    tf.dispose(unrolled);
    const valPass = gradientPass(network, val, [...vars.alphas, ...vars.weights]);
    const dAlpha = valPass.grads.slice(0, nAlpha);
    const dWeights = valPass.grads.slice(nAlpha);
    const epsilon = 0.01 / Math.max(globalNorm(dWeights), 1e-12);
    const atShift = (sign: number): tf.Tensor[] => {
      const w = shifted(saved, dWeights, sign * epsilon);
      assignAll(vars.weights, w);
      tf.dispose(w);
      return gradientPass(network, train, vars.alphas).grads;
    };
    const plus = atShift(1);
    const minus = atShift(-1);
    const grads = tf.tidy(() =>
      dAlpha.map((d, i) =>
        tf.sub(d, tf.mul(tf.sub(plus[i] as tf.Tensor, minus[i] as tf.Tensor), learningRate / (2 * epsilon))),
      ),
    );
    tf.dispose([...valPass.grads, ...plus, ...minus]);
    return { grads, loss: valPass.loss, correct: valPass.correct };
  } finally {
    assignAll(vars.weights, saved);
    tf.dispose(saved);
  }
}

import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';

import { InvalidArgumentError } from '../src/errors';
import { Rng, type RngState } from '../src/random/rng';

// Math's functions bound once: inside jest's vm context every `Math.x` is a global lookup through
// the sandbox's interceptors, which made the hot loops below ~6x slower under test.
const fround = Math.fround;
const floor = Math.floor;

export interface SeededDropoutArgs {
  readonly rate: number;
  readonly seed: number;
  readonly name?: string;
}

/**
 * Dropout whose masks are reproducible *and* fresh. tfjs's `tf.layers.dropout({ seed })` reseeds
 * its random op with the same seed on every call, so every batch gets the same mask (a fixed random
 * sub-network per batch slot, not dropout); without a seed it draws from an unseeded source and a
 * study cannot be reproduced. This layer takes a new seed for each training call from an `Rng`
 * stream seeded once, so the same build seed gives the same sequence of masks.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'TfjsTuneSeededDropout';
  readonly rate: number;
  readonly seed: number;
  private rng: Rng;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!(args.rate >= 0 && args.rate < 1))
      throw new InvalidArgumentError('dropout rate', args.rate, 'a number in [0, 1)');
    this.rate = args.rate;
    this.seed = args.seed;
    this.rng = new Rng(args.seed).derive('dropout-masks');
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return tf.clone(x);
    if (x.dtype !== 'float32') return tf.dropout(x, this.rate, undefined, this.rng.nextSeed());
    return tf.mul(x, dropoutMultiplier(x.shape, this.rate, this.rng.nextSeed()));
  }

  /**
   * Where the mask stream stands: part of a live model's state, so that a model that takes over
   * another's weights (PBT's exploit) also draws the masks the other would have drawn next.
   */
  getRngState(): RngState {
    return this.rng.getState();
  }

  setRngState(state: RngState): void {
    this.rng = Rng.fromState(state);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);

/**
 * The multiplier `tf.dropout(x, rate, undefined, seed)` applies, bit for bit, built in JS as one
 * tensor: tfjs draws `u ~ U[0, 1)` with `seedrandom.alea(String(seed))` into float32 and computes
 * `floor(u + keep) / keep` in float32 (`keep = 1 - rate`), in three kernels plus a fourth for the
 * product, each taped for the gradient. Here the product is the only op: the same masks and
 * outputs, three fewer kernel calls per dropout layer and step.
 */
export function dropoutMultiplier(shape: readonly number[], rate: number, seed: number): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  const random = seedrandom.alea(String(seed));
  const keep = fround(1 - rate);
  const scale = fround(1 / keep);
  for (let i = 0; i < size; i++) {
    values[i] = floor(fround(fround(random()) + keep)) >= 1 ? scale : 0;
  }
  return tf.tensor(values, shape.slice(), 'float32');
}

/** Factory in the tfjs-layers style. */
export function seededDropout(args: SeededDropoutArgs): SeededDropout {
  return new SeededDropout(args);
}

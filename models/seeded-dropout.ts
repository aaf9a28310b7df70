import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../src/errors';
import { Rng } from '../src/random/rng';

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
  private readonly rng: Rng;

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
    return tf.dropout(x, this.rate, undefined, this.rng.nextSeed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);

/** Factory in the tfjs-layers style. */
export function seededDropout(args: SeededDropoutArgs): SeededDropout {
  return new SeededDropout(args);
}

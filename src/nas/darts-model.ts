import * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../datasets/types';
import { InvalidArgumentError } from '../errors';
import { DartsNetwork } from './darts-layers';
import type { Genotype } from './genotype';

export interface DartsModelOptions {
  /** Per-sample image shape [height, width, channels]. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** DARTS' C, the first cells' node channels. */
  readonly channels: number;
  readonly cells: number;
  /** null: the supernet. */
  readonly genotype: Genotype | null;
  readonly seed: number;
  /** Default 3, as DARTS. */
  readonly stemMultiplier?: number;
}

/** Name of the network layer inside a DARTS model, so loops and tools can find it after a reload. */
export const DARTS_NETWORK_LAYER = 'darts_network';

/** A DARTS network with a softmax on its logits, as an (uncompiled) `tf.LayersModel`. */
export function dartsModel(options: DartsModelOptions): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    new DartsNetwork({
      channels: options.channels,
      cells: options.cells,
      numClasses: options.numClasses,
      stemMultiplier: options.stemMultiplier ?? 3,
      genotype: options.genotype,
      seed: options.seed,
      name: DARTS_NETWORK_LAYER,
      inputShape: options.inputShape.slice(),
    }),
  );
  model.add(tf.layers.activation({ activation: 'softmax', name: 'output' }));
  return model;
}

/** The DARTS network layer of a model `dartsModel` built (or that was loaded from one). */
export function dartsNetworkOf(model: tf.LayersModel): DartsNetwork {
  const layer = model.getLayer(DARTS_NETWORK_LAYER);
  if (!(layer instanceof DartsNetwork)) throw new Error(`layer ${DARTS_NETWORK_LAYER} is not a DartsNetwork`);
  return layer;
}

/** The sizes of a supernet; its input and output come from the data it searches on. */
export interface SupernetSizes {
  readonly channels: number;
  readonly cells: number;
  readonly seed: number;
}

/** The supernet (every mixed op, α trainable) for images shaped like `data.train`, with its classes. */
export function supernetFor(data: DatasetSplits, sizes: SupernetSizes): tf.LayersModel {
  const [, h, w, c] = data.train.xShape;
  if (h === undefined || w === undefined || c === undefined)
    throw new InvalidArgumentError('data.train.xShape', data.train.xShape, '[n, height, width, channels] images');
  return dartsModel({
    inputShape: [h, w, c],
    numClasses: data.train.numClasses,
    channels: sizes.channels,
    cells: sizes.cells,
    genotype: null,
    seed: sizes.seed,
  });
}

import * as tf from '@tensorflow/tfjs';

import { defineCheck, defineView } from './view';

/*
 * tfjs-layers' layer classes as our fused subclasses read them: weights and config live in fields
 * that are private or protected in its typings, and several classes are exported only as types.
 */

type DenseLayer = ReturnType<typeof tf.layers.dense>;
type CallArgs = Parameters<DenseLayer['call']>;
/** A weight as layers hold it. */
interface Weight {
  read(): tf.Tensor;
}

/** Layer's protected `invokeCallHook` (what `call` runs first, for the layer's call hook). */
interface CallHook {
  invokeCallHook?(inputs: CallArgs[0], kwargs: CallArgs[1]): void;
}

/** tfjs-layers' Dense. */
export interface DenseFields extends CallHook {
  readonly kernel: Weight;
  readonly bias: Weight | null;
  readonly activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
}

export const denseFields = defineView<DenseFields, tf.layers.Layer>(
  'Dense',
  { kernel: 'field', bias: 'field', activation: 'field', invokeCallHook: 'method' },
  () => built(tf.layers.dense({ units: 1 }), [1, 2]),
);

/** tfjs-layers' BatchNormalization (weights set when built). */
export interface BatchNormFields extends CallHook {
  readonly axis: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly gamma: tf.LayerVariable | null;
  readonly beta: tf.LayerVariable | null;
  readonly movingMean: tf.LayerVariable;
  readonly movingVariance: tf.LayerVariable;
}

export const batchNormFields = defineView<BatchNormFields, tf.layers.Layer>(
  'BatchNormalization',
  {
    axis: 'field',
    epsilon: 'field',
    momentum: 'field',
    gamma: 'field',
    beta: 'field',
    movingMean: 'field',
    movingVariance: 'field',
    invokeCallHook: 'method',
  },
  () => built(tf.layers.batchNormalization({}), [1, 2]),
);

/** tfjs-layers' LSTMCell (the LSTM layer's `cell`). */
export interface LSTMCellFields {
  readonly kernel: Weight;
  readonly recurrentKernel: Weight;
  readonly bias: Weight | null;
  readonly useBias: boolean;
  readonly activation: { getClassName(): string };
  readonly recurrentActivation: { getClassName(): string };
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly units: number;
}

export const lstmCellFields = defineView<LSTMCellFields, object>(
  'LSTMCell',
  {
    kernel: 'field',
    recurrentKernel: 'field',
    bias: 'field',
    useBias: 'field',
    activation: 'field',
    recurrentActivation: 'field',
    dropout: 'field',
    recurrentDropout: 'field',
    units: 'field',
  },
  () => lstmFields(built(tf.layers.lstm({ units: 1 }), [1, 2, 3])).cell,
);

/** tfjs-layers' LSTM (RNN): its cell and the RNN options. */
export interface LSTMFields {
  readonly cell: object;
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;
}

export const lstmFields = defineView<LSTMFields, tf.layers.Layer>(
  'LSTM',
  { cell: 'field', goBackwards: 'field', returnSequences: 'field', returnState: 'field', stateful: 'field' },
  () => tf.layers.lstm({ units: 1 }),
);

/** tfjs-layers' DepthwiseConv2D and its BaseConv. */
export interface DepthwiseFields {
  readonly depthwiseKernel: Weight;
  readonly bias: Weight | null;
  readonly useBias: boolean;
  readonly activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dataFormat: 'channelsFirst' | 'channelsLast';
  readonly dilationRate: readonly number[];
  readonly depthMultiplier: number;
}

export const depthwiseFields = defineView<DepthwiseFields, tf.layers.Layer>(
  'DepthwiseConv2D',
  {
    depthwiseKernel: 'field',
    bias: 'field',
    useBias: 'field',
    activation: 'field',
    kernelSize: 'field',
    strides: 'field',
    padding: 'field',
    dataFormat: 'field',
    dilationRate: 'field',
    depthMultiplier: 'field',
  },
  () => tf.layers.depthwiseConv2d({ kernelSize: 1 }),
);

/** tfjs-layers' L1L2 regulariser. */
export interface L1L2Fields {
  readonly l1: number;
  readonly l2: number;
}

export const l1l2Fields = defineView<L1L2Fields, object>('L1L2', { l1: 'field', l2: 'field' }, () =>
  tf.regularizers.l1l2({ l1: 0.1, l2: 0.1 }),
);

/** Builds a layer by applying it to zeros of `shape` (its weights exist once built). */
function built<L extends tf.layers.Layer>(layer: L, shape: number[]): L {
  tf.tidy(() => {
    layer.apply(tf.zeros(shape));
  });
  return layer;
}

/**
 * The stock classes our fused subclasses extend. tfjs exports them only as types; their
 * constructors are reachable through an instance. Probe layers get an explicit `name`, so they do
 * not consume an auto-naming uid (which would shift the names of the user's layers).
 */
const STOCK_PROBES = {
  Dense: () => tf.layers.dense({ units: 1, name: 'tfjs_tune_dense_probe' }),
  LSTM: () => tf.layers.lstm({ units: 1, name: 'tfjs_tune_lstm_probe' }),
  BatchNormalization: () => tf.layers.batchNormalization({ name: 'tfjs_tune_batch_norm_probe' }),
  DepthwiseConv2D: () => tf.layers.depthwiseConv2d({ kernelSize: 1, name: 'tfjs_tune_depthwise_probe' }),
  L1L2: () => tf.regularizers.l1l2({ l1: 0, l2: 0 }),
} as const;

export type StockClassName = keyof typeof STOCK_PROBES;

/** The constructor of a stock tfjs class exported only as a type, typed as the caller declares it. */
export function stockClass<C>(name: StockClassName): C {
  return (Object.getPrototypeOf(STOCK_PROBES[name]()) as { constructor: unknown }).constructor as C;
}

for (const name of Object.keys(STOCK_PROBES) as StockClassName[]) {
  defineCheck(`the class of ${name} instances (stockClass) is ${name}`, () => {
    const probe = STOCK_PROBES[name]() as { getClassName(): string };
    return Object.getPrototypeOf(probe) !== Object.prototype && probe.getClassName() === name;
  });
}

/** A class of ours (extending a stock class) registered for (de)serialisation under its className. */
export function registerSerializable(cls: { readonly className: string }): void {
  // The stock base is typed by its constructor signature only, not as a SerializableConstructor.
  tf.serialization.registerClass(
    cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

/** A regulariser of ours (a subclass of the stock L1L2, typed by its constructor) as tfjs's type. */
export function asRegularizer(regularizer: object): Regularizer {
  // tfjs types the stock class only as its abstract base, which our subclass is at runtime.
  return regularizer as unknown as Regularizer;
}

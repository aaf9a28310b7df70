import * as tf from '@tensorflow/tfjs';
import { type DepthwiseFields, depthwiseFields, stockClass } from '../internals';

/** The arguments of `tf.layers.depthwiseConv2d`, `dilationRate` included (and now honoured). */
export type DilatedDepthwiseConv2DArgs = Parameters<typeof tf.layers.depthwiseConv2d>[0];

type DepthwiseLayer = ReturnType<typeof tf.layers.depthwiseConv2d>;
type LayerCallArgs = Parameters<DepthwiseLayer['call']>;

const DepthwiseConv2DBase = stockClass<new (args: DilatedDepthwiseConv2DArgs) => DepthwiseLayer>('DepthwiseConv2D');

/**
 * `tf.layers.depthwiseConv2d` whose `dilationRate` is applied: the stock layer (tfjs 4.22) passes
 * `null` for the dilation, so its output equals the undilated conv's. Everything else (weights,
 * initialisers, regularisers, constraints, config) is the stock layer's; training a dilated one
 * needs `registerDilatedDepthwiseGradient()` (called by `initBackend`). Serialisable under its
 * own class name (registered by `initBackend`, or `registerTrainingOps`).
 *
 * @example
 * ```ts
 * const layer = tune.dilatedDepthwiseConv2d({ kernelSize: 3, dilationRate: 2, padding: 'same' });
 * const y = layer.apply(tf.zeros([1, 16, 16, 8])) as tf.Tensor; // sees a 5x5 field
 * ```
 */
export class DilatedDepthwiseConv2D extends DepthwiseConv2DBase {
  static readonly className = 'DilatedDepthwiseConv2D';

  override call(inputs: LayerCallArgs[0], kwargs: LayerCallArgs[1]): tf.Tensor {
    void kwargs;
    const f = depthwiseFields(this);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const channelsFirst = f.dataFormat === 'channelsFirst';
      let y = tf.depthwiseConv2d(
        channelsFirst ? tf.transpose(x, [0, 2, 3, 1]) : x,
        f.depthwiseKernel.read() as tf.Tensor4D,
        [f.strides[0] ?? 1, f.strides[1] ?? 1],
        f.padding === 'same' ? 'same' : 'valid',
        'NHWC',
        [f.dilationRate[0] ?? 1, f.dilationRate[1] ?? 1],
      ) as tf.Tensor;
      if (f.useBias && f.bias !== null) y = tf.add(y, f.bias.read());
      if (channelsFirst) y = tf.transpose(y, [0, 3, 1, 2]);
      return f.activation === null ? y : f.activation.apply(y);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const f = depthwiseFields(this);
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channelsFirst = f.dataFormat === 'channelsFirst';
    const [rows, cols, channels] = channelsFirst ? [shape[2], shape[3], shape[1]] : [shape[1], shape[2], shape[3]];
    const outRows = outputLength(rows, f.kernelSize[0], f.strides[0], f.dilationRate[0], f.padding);
    const outCols = outputLength(cols, f.kernelSize[1], f.strides[1], f.dilationRate[1], f.padding);
    const outChannels = channels == null ? null : channels * f.depthMultiplier;
    const batch = shape[0] ?? null;
    return channelsFirst ? [batch, outChannels, outRows, outCols] : [batch, outRows, outCols, outChannels];
  }
}

/** Spatial output length of a dilated conv, as Keras computes it; null stays null (unknown). */
function outputLength(
  size: number | null | undefined,
  kernel = 1,
  stride = 1,
  dilation = 1,
  padding: DepthwiseFields['padding'],
): number | null {
  if (size == null) return null;
  const effective = (kernel - 1) * dilation + 1;
  const length = padding === 'same' ? size : size - effective + 1;
  return Math.ceil(length / stride);
}

/** Factory in the tfjs style: `dilatedDepthwiseConv2d({ kernelSize: 3, dilationRate: 2, padding: 'same' })`. */
export function dilatedDepthwiseConv2d(args: DilatedDepthwiseConv2DArgs): DilatedDepthwiseConv2D {
  return new DilatedDepthwiseConv2D(args);
}

import * as tf from '@tensorflow/tfjs';

import { attrsOf, registeredGradient } from '../internals';
import { dilateFilter, undilateFilter } from './conv-layout';
import { depthwiseBackpropTakesDilation } from './register-wasm-kernels';
import { pair } from './tensor-info';

const MARK = 'tfjs-tune';

interface MarkedGradConfig extends tf.GradConfig {
  readonly patchedBy: typeof MARK;
}

/**
 * The gradient of `DepthwiseConv2dNative`, dilation included. tfjs-core's refuses any dilation > 1
 * (and the cpu backend's backprop kernels would ignore it anyway). A dilated conv is an undilated
 * one with the filter written out densely (zeros between the taps), so: take the undilated
 * gradients against that dense filter and keep every d-th tap of the filter gradient. This works on
 * every backend with the two standard backprop kernels. On wasm our backprop kernels take the
 * dilation themselves ({@link depthwiseBackpropTakesDilation}), so there it is passed through: 9
 * taps for a dilated 3×3 instead of the dense filter's 25. Undilated convs take the usual path.
 */
export const depthwiseConv2dNativeGradConfig: MarkedGradConfig = {
  kernelName: 'DepthwiseConv2dNative',
  inputsToSave: ['x', 'filter'],
  patchedBy: MARK,
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dimRoundingMode, dilations } = attrsOf<tf.DepthwiseConv2dNativeAttrs>(attrs);
    const direct = depthwiseBackpropTakesDilation();
    const [dh, dw] = direct ? [1, 1] : pair(dilations);
    const passed = direct ? pair(dilations) : [1, 1];
    const common = { strides, pad, dilations: passed, ...(dimRoundingMode ? { dimRoundingMode } : {}) };
    return {
      x: () =>
        tf.tidy(() =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy: dy as tf.Tensor4D, filter: dilateFilter(filter, dh, dw) },
              { ...common, inputShape: x.shape },
            ),
        ) as tf.Tensor,
      filter: () =>
        tf.tidy(() => {
          const dense = dilateFilter(filter, dh, dw);
          const grad = tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x, dy: dy as tf.Tensor4D },
              { ...common, filterShape: dense.shape },
            ) as tf.Tensor4D;
          return undilateFilter(grad, dh, dw);
        }),
    };
  },
};

/**
 * Replaces tfjs-core's `DepthwiseConv2dNative` gradient with {@link depthwiseConv2dNativeGradConfig}
 * on every backend, so dilated depthwise and separable convs can train (DARTS' dil_conv cells).
 * Idempotent.
 */
export function registerDilatedDepthwiseGradient(): void {
  const current = registeredGradient('DepthwiseConv2dNative') as Partial<MarkedGradConfig> | undefined;
  if (current?.patchedBy === MARK) return;
  tf.registerGradient(depthwiseConv2dNativeGradConfig);
}

import * as tf from '@tensorflow/tfjs';

import { batchNormTraining } from '../training/backend/ops/fused-batch-norm';
import { IN_MEMORY } from '../training/backend/ops/in-memory';
import { scoped, type ParamContext } from './param-context';

/** DARTS' operation set (quark0/darts `genotypes.py`), in its order: α's columns follow it. */
export const PRIMITIVES = [
  'none',
  'skip_connect',
  'max_pool_3x3',
  'avg_pool_3x3',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;
export type Primitive = (typeof PRIMITIVES)[number];

/**
 * Batch norm over N, H, W: batch statistics when training (moving ones updated at PyTorch's 0.1), else
 * the moving ones. Training on wasm and cpu is the fused op (one kernel and one gradient kernel, and
 * only x saved for the backward pass: the supernet's activations are what fills wasm's heap);
 * elsewhere, and in inference, it is written out (`tf.batchNorm`'s gradient needs a scale tensor, and
 * the search has none).
 */
export function batchNorm(ctx: ParamContext, x: tf.Tensor4D): tf.Tensor4D {
  const c = x.shape[3];
  const movingMean = ctx.param('moving_mean', [c], 'moving_mean');
  const movingVar = ctx.param('moving_var', [c], 'moving_var');
  const gamma = ctx.affine ? (ctx.param('gamma', [c], 'ones') as tf.Tensor1D) : undefined;
  const beta = ctx.affine ? (ctx.param('beta', [c], 'zeros') as tf.Tensor1D) : undefined;
  if (ctx.training && x.dtype === 'float32' && IN_MEMORY.includes(tf.getBackend())) {
    const [y, mean, variance] = batchNormTraining(x, gamma ?? tf.ones([c]), beta ?? tf.zeros([c]), 1e-5);
    updateMoving(ctx, movingMean, movingVar, mean, variance);
    return y as tf.Tensor4D;
  }
  let mean: tf.Tensor = movingMean;
  let variance: tf.Tensor = movingVar;
  if (ctx.training) {
    const m = tf.moments(x, [0, 1, 2]);
    mean = m.mean;
    variance = m.variance;
    updateMoving(ctx, movingMean, movingVar, mean, variance);
  }
  const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))) as tf.Tensor4D;
  if (gamma === undefined || beta === undefined) return normalized;
  return tf.add(tf.mul(normalized, gamma), beta);
}

function updateMoving(
  ctx: ParamContext,
  movingMean: tf.Tensor,
  movingVar: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
): void {
  ctx.assign(
    'moving_mean',
    tf.tidy(() => tf.add(tf.mul(movingMean, 0.9), tf.mul(mean, 0.1))),
  );
  ctx.assign(
    'moving_var',
    tf.tidy(() => tf.add(tf.mul(movingVar, 0.9), tf.mul(variance, 0.1))),
  );
}

function conv1x1(ctx: ParamContext, x: tf.Tensor4D, cOut: number, stride: number): tf.Tensor4D {
  const kernel = ctx.param('kernel', [1, 1, x.shape[3], cOut], 'kernel') as tf.Tensor4D;
  return tf.conv2d(x, kernel, stride, 'valid');
}

/** ReLU → k×k conv → BN (the cells' preprocessing uses k = 1). */
export function reluConvBn(ctx: ParamContext, x: tf.Tensor4D, cOut: number, k: number, stride: number): tf.Tensor4D {
  const kernel = ctx.param('conv/kernel', [k, k, x.shape[3], cOut], 'kernel') as tf.Tensor4D;
  const y = tf.conv2d(tf.relu(x), kernel, stride, 'same');
  return batchNorm(scoped(ctx, 'bn'), y);
}

/**
 * Halves H and W without losing every other pixel: two stride-2 1×1 convs, the second shifted by one
 * pixel, each giving half the channels (DARTS' FactorizedReduce; the stride-2 skip_connect).
 */
export function factorizedReduce(ctx: ParamContext, x: tf.Tensor4D, cOut: number): tf.Tensor4D {
  const r = tf.relu(x);
  const [, h, w] = r.shape;
  const shifted = tf.slice(r, [0, 1, 1, 0], [-1, h - 1, w - 1, -1]);
  const half = Math.floor(cOut / 2);
  const a = conv1x1(scoped(ctx, 'conv_1'), r, half, 2);
  const b = conv1x1(scoped(ctx, 'conv_2'), shifted, cOut - half, 2);
  return batchNorm(scoped(ctx, 'bn'), tf.concat([a, b], 3));
}

/**
 * ReLU → depthwise k×k (dilated) → pointwise 1×1 → BN. tfjs refuses stride 2 with dilation 2, so
 * that case runs at stride 1 and keeps every other row and column: with odd kernels and even sizes
 * this is PyTorch's symmetric-padding stride-2 result, which DARTS defines the op by.
 */
function reluDepthwisePointwiseBn(
  ctx: ParamContext,
  x: tf.Tensor4D,
  cOut: number,
  k: number,
  stride: number,
  dilation: number,
): tf.Tensor4D {
  const c = x.shape[3];
  const depthwise = ctx.param('depthwise', [k, k, c, 1], 'kernel') as tf.Tensor4D;
  const r = tf.relu(x);
  let y =
    dilation > 1 && stride > 1
      ? subsample(tf.depthwiseConv2d(r, depthwise, 1, 'same', 'NHWC', dilation))
      : tf.depthwiseConv2d(r, depthwise, stride, 'same', 'NHWC', dilation);
  y = conv1x1(scoped(ctx, 'pointwise'), y, cOut, 1);
  return batchNorm(scoped(ctx, 'bn'), y);
}

/**
 * Every other row and column, from the first (a stride-2 SAME result's positions). Written as pad,
 * reshape and slice because tfjs has no gradient for stridedSlice.
 */
function subsample(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const padded =
    h % 2 === 0 && w % 2 === 0
      ? x
      : tf.pad(x, [
          [0, 0],
          [0, h % 2],
          [0, w % 2],
          [0, 0],
        ]);
  const [h2, w2] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  const grid = tf.reshape(padded, [n, h2, 2, w2, 2, c]);
  return tf.reshape(tf.slice(grid, [0, 0, 0, 0, 0, 0], [n, h2, 1, w2, 1, c]), [n, h2, w2, c]);
}

/** SAME padding of a 3×3 window at `stride` along a side of `size`: [before, after], as TensorFlow pads. */
function samePadding(size: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + 3 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * 3×3 average over the pixels inside the image (DARTS' count_include_pad=False). tfjs's SAME average
 * pool divides by those pixels too, but its gradient divides by 9 everywhere, so it is wrong at the
 * border: here the zero padding is explicit, the pool VALID (forward and gradient agree), and the
 * result is rescaled by the constant share of real pixels in each window.
 */
function averagePool(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    samePadding(h, stride),
    samePadding(w, stride),
    [0, 0],
  ];
  const share = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]), pad) as tf.Tensor4D, 3, stride, 'valid');
  return tf.div(tf.avgPool(tf.pad(x, pad), 3, stride, 'valid'), share);
}

function pool(x: tf.Tensor4D, kind: 'max' | 'avg', stride: number): tf.Tensor4D {
  return kind === 'max' ? tf.maxPool(x, 3, stride, 'same') : averagePool(x, stride);
}

export interface PrimitiveOptions {
  readonly stride: number;
  /** In the search, a pooling op is followed by a non-affine BN (DARTS' MixedOp), in a derived net not. */
  readonly poolBatchNorm: boolean;
}

/**
 * One edge op on `x` (channels kept; H and W divided by the stride). `none` gives zeros of the output
 * shape, so the op set is closed under the shape rule.
 */
export function applyPrimitive(
  ctx: ParamContext,
  op: Primitive,
  x: tf.Tensor4D,
  options: PrimitiveOptions,
): tf.Tensor4D {
  const c = x.shape[3];
  const { stride } = options;
  switch (op) {
    case 'none':
      return stride === 1 ? tf.zerosLike(x) : tf.zerosLike(subsample(x));
    case 'skip_connect':
      return stride === 1 ? x : factorizedReduce(scoped(ctx, op), x, c);
    case 'max_pool_3x3':
    case 'avg_pool_3x3': {
      const y = pool(x, op === 'max_pool_3x3' ? 'max' : 'avg', stride);
      return options.poolBatchNorm ? batchNorm(scoped(ctx, `${op}/bn`), y) : y;
    }
    case 'sep_conv_3x3':
    case 'sep_conv_5x5': {
      // Two stacked depthwise-separable blocks, the first carrying the stride (DARTS' SepConv).
      const k = op === 'sep_conv_3x3' ? 3 : 5;
      const y = reluDepthwisePointwiseBn(scoped(ctx, `${op}/1`), x, c, k, stride, 1);
      return reluDepthwisePointwiseBn(scoped(ctx, `${op}/2`), y, c, k, 1, 1);
    }
    case 'dil_conv_3x3':
    case 'dil_conv_5x5':
      return reluDepthwisePointwiseBn(scoped(ctx, op), x, c, op === 'dil_conv_3x3' ? 3 : 5, stride, 2);
  }
}

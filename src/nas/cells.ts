import * as tf from '@tensorflow/tfjs';

import type { CellGenotype, Genotype } from './genotype';
import { scoped, type ParamContext } from './param-context';
import { applyPrimitive, batchNorm, factorizedReduce, PRIMITIVES, reluConvBn } from './primitives';

/** Intermediate nodes per cell; node i reads the two cell inputs and nodes 0..i-1. */
export const NODES = 4;
/** Edges of a cell: 2 + 3 + 4 + 5. */
export const EDGES = 14;

/** The first edge of node `node` in α's rows (edges of node 0, then node 1, ...). */
export function edgeOffset(node: number): number {
  return node * 2 + (node * (node - 1)) / 2;
}

/** softmax(α)-weighted sum over the ops; `none` adds nothing, so it is skipped (its weight still counts in the softmax). */
export function mixedOp(ctx: ParamContext, x: tf.Tensor4D, weights: tf.Tensor1D, stride: number): tf.Tensor4D {
  let sum: tf.Tensor4D | undefined;
  PRIMITIVES.forEach((op, k) => {
    if (op === 'none') return;
    const y = applyPrimitive(ctx, op, x, { stride, poolBatchNorm: true });
    const term = tf.mul(y, tf.slice(weights, [k], [1])) as tf.Tensor4D;
    sum = sum === undefined ? term : (tf.add(sum, term) as tf.Tensor4D);
  });
  return sum as tf.Tensor4D;
}

export interface CellShape {
  /** Channels of each node (the cell's output has 4×). */
  readonly channels: number;
  readonly reduction: boolean;
  /** The cell before was a reduction: s0 is twice s1's size and must be halved. */
  readonly reductionPrev: boolean;
}

function preprocess(ctx: ParamContext, s0: tf.Tensor4D, s1: tf.Tensor4D, shape: CellShape): [tf.Tensor4D, tf.Tensor4D] {
  const p0 = shape.reductionPrev
    ? factorizedReduce(scoped(ctx, 'pre0'), s0, shape.channels)
    : reluConvBn(scoped(ctx, 'pre0'), s0, shape.channels, 1, 1);
  return [p0, reluConvBn(scoped(ctx, 'pre1'), s1, shape.channels, 1, 1)];
}

/** A search cell: every edge a MixedOp weighted by its row of softmax(α) (`weights` is [14, 8]). */
export function searchCell(
  ctx: ParamContext,
  s0: tf.Tensor4D,
  s1: tf.Tensor4D,
  weights: tf.Tensor2D,
  shape: CellShape,
): tf.Tensor4D {
  const states = preprocess(ctx, s0, s1, shape);
  for (let node = 0; node < NODES; node++) {
    let sum: tf.Tensor4D | undefined;
    for (let j = 0; j < 2 + node; j++) {
      const edge = edgeOffset(node) + j;
      const stride = shape.reduction && j < 2 ? 2 : 1;
      const row = tf.reshape(tf.slice(weights, [edge, 0], [1, PRIMITIVES.length]), [PRIMITIVES.length]) as tf.Tensor1D;
      const y = mixedOp(scoped(ctx, `edge${edge}`), states[j] as tf.Tensor4D, row, stride);
      sum = sum === undefined ? y : (tf.add(sum, y) as tf.Tensor4D);
    }
    states.push(sum as tf.Tensor4D);
  }
  return tf.concat(states.slice(2), 3);
}

/** A derived cell: each node the sum of its two chosen ops on its two chosen inputs. */
export function derivedCell(
  ctx: ParamContext,
  s0: tf.Tensor4D,
  s1: tf.Tensor4D,
  cell: CellGenotype,
  shape: CellShape,
): tf.Tensor4D {
  const states = preprocess(ctx, s0, s1, shape);
  cell.forEach((node, i) => {
    const ys = node.map((edge, k) => {
      const stride = shape.reduction && edge.input < 2 ? 2 : 1;
      const x = states[edge.input] as tf.Tensor4D;
      return applyPrimitive(scoped(ctx, `node${i}/${k}`), edge.op, x, { stride, poolBatchNorm: false });
    });
    states.push(tf.addN(ys));
  });
  return tf.concat(states.slice(2), 3);
}

export interface NetworkShape {
  /** Channels of the first cell's nodes (DARTS' C; doubled at each reduction). */
  readonly channels: number;
  /** Cells; the ones at ⌊L/3⌋ and ⌊2L/3⌋ are reduction cells. */
  readonly cells: number;
  readonly numClasses: number;
  /** The stem's channels are this times `channels` (DARTS: 3). */
  readonly stemMultiplier: number;
}

/** Whether cell `i` of `cells` is a reduction cell (DARTS' rule). */
export function isReductionCell(i: number, cells: number): boolean {
  return i === Math.floor(cells / 3) || i === Math.floor((2 * cells) / 3);
}

/**
 * The whole network, from images to logits: stem (3×3 conv, BN), the cells, global average pooling and
 * a dense head. `genotype` null: the supernet, weighted by softmax of the `alphas_normal` /
 * `alphas_reduce` weights ([14, 8] each, shared by all cells of a kind).
 */
export function network(
  ctx: ParamContext,
  images: tf.Tensor4D,
  shape: NetworkShape,
  genotype: Genotype | null,
): tf.Tensor2D {
  const stemKernel = ctx.param(
    'stem/conv/kernel',
    [3, 3, images.shape[3], shape.stemMultiplier * shape.channels],
    'kernel',
  );
  const stem = batchNorm(scoped(ctx, 'stem/bn'), tf.conv2d(images, stemKernel as tf.Tensor4D, 1, 'same'));
  const alphas =
    genotype === null
      ? {
          normal: tf.softmax(ctx.param('alphas_normal', [EDGES, PRIMITIVES.length], 'alpha') as tf.Tensor2D),
          reduce: tf.softmax(ctx.param('alphas_reduce', [EDGES, PRIMITIVES.length], 'alpha') as tf.Tensor2D),
        }
      : undefined;
  let s0 = stem;
  let s1 = stem;
  let channels = shape.channels;
  let reductionPrev = false;
  for (let i = 0; i < shape.cells; i++) {
    const reduction = isReductionCell(i, shape.cells);
    if (reduction) channels *= 2;
    const cellShape = { channels, reduction, reductionPrev };
    const cellCtx = scoped(ctx, `cell${i}`);
    const out =
      alphas !== undefined
        ? searchCell(cellCtx, s0, s1, reduction ? alphas.reduce : alphas.normal, cellShape)
        : derivedCell(
            cellCtx,
            s0,
            s1,
            reduction ? (genotype as Genotype).reduce : (genotype as Genotype).normal,
            cellShape,
          );
    s0 = s1;
    s1 = out;
    reductionPrev = reduction;
  }
  const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
  const kernel = ctx.param('head/kernel', [pooled.shape[1], shape.numClasses], 'kernel') as tf.Tensor2D;
  const bias = ctx.param('head/bias', [shape.numClasses], 'zeros');
  return tf.add(tf.matMul(pooled, kernel), bias);
}

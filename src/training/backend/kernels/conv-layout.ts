import * as tf from '@tensorflow/tfjs';

/** What the patch and padding helpers need from `backend_util.computeConv2DInfo`. */
export type ConvInfo = tf.backend_util.Conv2DInfo;

/** Zero padding of an NHWC tensor by a conv's pad amounts (a no-op when all are zero). */
export function padSpatial(x: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo;
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  return tf.pad(x, [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ]);
}

/**
 * Spreads axis `axis` of `x` out by `stride`, with `stride - 1` zeros between neighbours: the input
 * of a strided conv's input gradient, computed as a stride-1 conv. Reshape + pad + slice, which
 * wasm runs as plain copies.
 */
export function spreadAxis<T extends tf.Tensor>(x: T, axis: number, stride: number): T {
  if (stride === 1) return x;
  return tf.tidy(() => {
    const shape = x.shape;
    const n = shape[axis] ?? 1;
    const before = shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const after = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const spread = tf.pad(tf.reshape(x, [before, n, 1, after]), [
      [0, 0],
      [0, 0],
      [0, stride - 1],
      [0, 0],
    ]);
    const cut = tf.slice(
      tf.reshape(spread, [before, n * stride, after]),
      [0, 0, 0],
      [before, (n - 1) * stride + 1, after],
    );
    const out = [...shape];
    out[axis] = (n - 1) * stride + 1;
    return tf.reshape(cut, out) as T;
  });
}

/** {@link spreadAxis} over the two spatial axes of NHWC. */
export function spreadWithZeros(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  return tf.tidy(() => spreadAxis(spreadAxis(x, 1, sh), 2, sw));
}

/** Padding amounts (negative: a crop) before and after each spatial axis of an NHWC tensor. */
export interface SpatialPads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * How the spread output gradient must be padded (or cropped) so that a stride-1 'valid' conv with
 * the flipped filter yields exactly the input gradient: `effK - 1 - padBefore` before, whatever
 * makes the length come out to `inSize` after.
 */
export function inputGradientPads(spreadShape: readonly number[], info: ConvInfo): SpatialPads {
  const h = spreadShape[1] as number;
  const w = spreadShape[2] as number;
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight + info.effectiveFilterHeight - 1 - top - h;
  const right = info.inWidth + info.effectiveFilterWidth - 1 - left - w;
  return { top, bottom, left, right };
}

/** {@link inputGradientPads} applied: the padded (or cropped) spread output gradient. */
export function padForInputGradient(spread: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = spread.shape;
    const { top, bottom, left, right } = inputGradientPads(spread.shape, info);
    const padded = tf.pad(spread, [
      [0, 0],
      [Math.max(top, 0), Math.max(bottom, 0)],
      [Math.max(left, 0), Math.max(right, 0)],
      [0, 0],
    ]);
    if (top >= 0 && left >= 0 && bottom >= 0 && right >= 0) return padded;
    // A negative amount means rows of dy that no input pixel reached: crop them.
    const rows = h + top + bottom;
    const cols = w + left + right;
    return tf.slice(padded, [0, Math.max(-top, 0), Math.max(-left, 0), 0], [b, rows, cols, c]);
  });
}

/** The filter turned by 180 degrees in its spatial axes (correlation <-> convolution). */
export function flipSpatial(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.reverse(filter, [0, 1]);
}

/** A dilated filter written out densely: `d - 1` zero taps between the real ones. */
export function dilateFilter(filter: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return filter;
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const spread = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, c * m]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
    ]);
    const full = tf.reshape(spread, [kh * dh, kw * dw, c, m]) as tf.Tensor4D;
    return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, c, m]);
  });
}

/** The inverse of {@link dilateFilter} for a gradient: keep every `d`-th tap. */
export function undilateFilter(dense: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return dense;
  return tf.stridedSlice(dense, [0, 0, 0, 0], dense.shape, [dh, dw, 1, 1]) as tf.Tensor4D;
}

import type * as tf from '@tensorflow/tfjs';

import { asTensor, transposeLastTwo } from './tensor-info';
import { attrsOf } from '../internals';

/**
 * Wraps wasm's `BatchMatMul` / `_FusedMatMul` so that a transposed operand is transposed first and
 * the product runs with both flags off. wasm multiplies transposed operands outside XNNPACK's fast
 * path: on 1000x1000x1000, 1000 ms with a flag versus 68 + 3 ms for transpose-then-multiply, and
 * every dense layer's weight and input gradients carry a flag. Where the transpose would cost more
 * than it saves ({@link worthTransposing}), the flags are passed through unchanged.
 */
export function untransposedMatMul(original: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const flags = attrsOf<tf.BatchMatMulAttrs>(attrs);
    const aInfo = inputs['a'];
    const bInfo = inputs['b'];
    if ((!flags.transposeA && !flags.transposeB) || aInfo === undefined || bInfo === undefined) {
      return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    }
    if (!worthTransposing(aInfo.shape, bInfo.shape, flags)) {
      return original.kernelFunc({ inputs, backend, attrs: attrs ?? {} });
    }
    const kernelBackend = backend as tf.KernelBackend;
    const a = asTensor(aInfo, kernelBackend, 'a');
    const b = asTensor(bInfo, kernelBackend, 'b');
    const a2 = flags.transposeA ? transposeLastTwo(a) : a;
    const b2 = flags.transposeB ? transposeLastTwo(b) : b;
    try {
      return original.kernelFunc({
        inputs: { ...inputs, a: a2, b: b2 },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      // Dispose only what this function created: transposes, and wrappers of non-Tensor inputs.
      for (const t of new Set([a, b, a2, b2])) {
        if (t !== aInfo && t !== bInfo) t.dispose();
      }
    }
  };
}

/**
 * Cost model fitted to benchmarks/training-kernels.ts on wasm (Node 20, XNNPACK, one thread): a
 * flagged multiply-add costs ~1 ns, an unflagged one ~0.07 ns, a transposed element ~4 ns, an extra
 * kernel call ~10 us. So transpose when `work > 4 * transposed + 10000`: 64x64x64 with a flag
 * (0.24 ms -> 0.04 ms) and 32x64x10 (0.025 -> 0.012) are worth it; 16x16x16 is not, nor is
 * `[1, 512] @ [512, 512]^T` (0.23 ms flagged, 1.7 ms transposing the 512x512 weight first).
 */
export function worthTransposing(
  aShape: readonly number[],
  bShape: readonly number[],
  flags: tf.BatchMatMulAttrs,
): boolean {
  const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
  const rank = aShape.length;
  const m = (flags.transposeA ? aShape[rank - 1] : aShape[rank - 2]) ?? 1;
  const k = (flags.transposeA ? aShape[rank - 2] : aShape[rank - 1]) ?? 1;
  const n = (flags.transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1]) ?? 1;
  const batch = Math.max(size(aShape.slice(0, -2)), size(bShape.slice(0, -2)));
  const transposed = (flags.transposeA ? size(aShape) : 0) + (flags.transposeB ? size(bShape) : 0);
  return batch * m * k * n > 4 * transposed + 10_000;
}

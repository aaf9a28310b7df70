import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../errors';
import { choleskyInPlace, inverseFromLowerInverse, invertLower, logDiagSum, meanDiagonal } from './dense-float64';

/**
 * Which factorisation ran:
 * - `'blocked'`: float32 tensors, every O(n^3) step a `matMul` (right-looking: factor a leaf block,
 *   form the panel below it, update the trailing matrix), each small leaf factorised and inverted in
 *   float64 JS. tfjs has no Cholesky, and a loop of per-element tensor ops costs seconds at n = 300;
 *   this costs ~n / blockSize rounds of a few ops each, and runs on the GPU where the backend has one.
 * - `'float64'`: the whole matrix read back and factorised in float64 JS. Runs (1) on the cpu
 *   backend, whose float32 `matMul` is slower than plain float64 loops (120 ms against ~15 ms at
 *   n = 300 here), (2) when n fits in one leaf, and (3) as the fallback when float32 fails: a pivot
 *   that is not positive and finite even after raising the jitter twice.
 */
export type CholeskyPath = 'blocked' | 'float64';

export interface CholeskyOptions {
  /** First jitter added to the diagonal, relative to its mean; raised 10x per failure. Default 1e-6. */
  readonly jitter?: number;
  /** Leaf block size of the blocked path. Default 64. */
  readonly blockSize?: number;
  /** Default 'auto': float64 on the cpu backend or when n <= blockSize, blocked otherwise. */
  readonly path?: 'auto' | CholeskyPath;
}

/** One block column of the factor: its diagonal block, that block's inverse, and the panel below. */
interface Block {
  readonly start: number;
  readonly size: number;
  readonly diag: tf.Tensor2D;
  readonly diagInv: tf.Tensor2D;
  /** `diagInv` transposed, stored so no `matMul` needs a transpose flag (slow on wasm). */
  readonly diagInvT: tf.Tensor2D;
  readonly below: tf.Tensor2D | null;
  readonly belowT: tf.Tensor2D | null;
}

const BLOCKED_ATTEMPTS = 3;
const FLOAT64_ATTEMPTS = 6;

/** L with L L^T = K + jitter I, and the solves that use it. Owns its tensors: call `dispose()`. */
export class CholeskyFactor {
  private constructor(
    readonly n: number,
    private readonly blocks: readonly Block[],
    /** log det(K + jitter I). */
    readonly logDet: number,
    /** The absolute jitter that was added to the diagonal. */
    readonly jitter: number,
    readonly path: CholeskyPath,
    /** L^-1 in float64 (the float64 path), from which K^-1 is formed only when asked for. */
    private readonly lowerInverseF64: Float64Array | null,
  ) {}

  /** Factorises a symmetric positive (semi-)definite matrix; only its lower triangle is read. */
  static of(k: tf.Tensor2D, options: CholeskyOptions = {}): CholeskyFactor {
    const [n, cols] = k.shape;
    if (n !== cols || n === 0)
      throw new InvalidArgumentError('cholesky(k).shape', k.shape, 'a non-empty square matrix');
    const rel = options.jitter ?? 1e-6;
    const blockSize = options.blockSize ?? 64;
    if (!(rel >= 0)) throw new InvalidArgumentError('cholesky jitter', rel, 'a number >= 0');
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new InvalidArgumentError('cholesky blockSize', blockSize, 'a positive integer');
    }
    const path = options.path ?? 'auto';
    const blocked = path === 'blocked' || (path === 'auto' && tf.getBackend() !== 'cpu' && n > blockSize);
    let scale = 0;
    if (blocked) {
      scale = tf.tidy(() => tf.sum(tf.mul(k, tf.eye(n))).dataSync()[0] as number) / n;
      for (let attempt = 0; attempt < BLOCKED_ATTEMPTS; attempt++) {
        const jitter = jitterAt(rel, attempt, scale);
        const done = blockedFactor(k, n, jitter, blockSize);
        if (done !== null) return new CholeskyFactor(n, done.blocks, done.logDet, jitter, 'blocked', null);
      }
    }
    // float64: the cpu backend's choice, a single leaf, or the fallback from a failed float32 run.
    const data = Float64Array.from(k.dataSync());
    if (scale === 0) scale = meanDiagonal(data, n);
    for (let attempt = 0; attempt < FLOAT64_ATTEMPTS; attempt++) {
      const jitter = jitterAt(rel, attempt, scale);
      const a = data.slice();
      for (let i = 0; i < n; i++) a[i * n + i] = (a[i * n + i] as number) + jitter;
      if (choleskyInPlace(a, n) >= 0) continue;
      const inv = invertLower(a, n);
      return new CholeskyFactor(n, [leafBlock(0, n, a, inv)], 2 * logDiagSum(a, n), jitter, 'float64', inv);
    }
    throw new TfjsTuneError(
      `Cholesky failed: the ${n} x ${n} matrix is not positive definite even with jitter ` +
        `${jitterAt(rel, FLOAT64_ATTEMPTS - 1, scale)} on its diagonal (non-finite entries?)`,
    );
  }

  /** X with L X = B (B: n x m), by blocks: one `matMul` with each leaf inverse and each panel. */
  solveLower(b: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      let rest = b;
      for (const block of this.blocks) {
        const head = block.below === null ? rest : rest.slice([0, 0], [block.size, -1]);
        const x = tf.matMul(block.diagInv, head) as tf.Tensor2D;
        parts.push(x);
        if (block.below !== null) {
          rest = tf.sub(rest.slice([block.size, 0], [-1, -1]), tf.matMul(block.below, x)) as tf.Tensor2D;
        }
      }
      return parts.length === 1 ? (parts[0] as tf.Tensor2D) : tf.concat(parts, 0);
    });
  }

  /** X with L^T X = B (B: n x m), by blocks from the last one up. */
  solveUpper(b: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let after: tf.Tensor2D | null = null;
      for (let i = this.blocks.length - 1; i >= 0; i--) {
        const block = this.blocks[i] as Block;
        let head = this.blocks.length === 1 ? b : b.slice([block.start, 0], [block.size, -1]);
        if (block.belowT !== null && after !== null) head = tf.sub(head, tf.matMul(block.belowT, after)) as tf.Tensor2D;
        const x = tf.matMul(block.diagInvT, head) as tf.Tensor2D;
        after = after === null ? x : tf.concat([x, after], 0);
      }
      return after as tf.Tensor2D;
    });
  }

  /**
   * L^-1 (lower-triangular), from the last block up: with T the inverse of the trailing triangle,
   * [[L11, 0], [P, L22]]^-1 = [[L11^-1, 0], [-T P L11^-1, T]]. About n^3 / 3 multiply-adds in
   * `matMul`s, half what a solve against the identity spends (most of it on zeros).
   */
  lowerInverse(): tf.Tensor2D {
    if (this.blocks.length === 1) return (this.blocks[0] as Block).diagInv.clone();
    return tf.tidy(() => {
      let t: tf.Tensor2D | null = null;
      for (let i = this.blocks.length - 1; i >= 0; i--) {
        const b = this.blocks[i] as Block;
        if (t === null || b.below === null) {
          t = b.diagInv;
          continue;
        }
        const left = tf.neg(tf.matMul(t, tf.matMul(b.below, b.diagInv)));
        t = tf.concat(
          [
            tf.concat([b.diagInv, left], 0),
            tf.pad(t, [
              [b.size, 0],
              [0, 0],
            ]),
          ],
          1,
        ) as tf.Tensor2D;
      }
      return (t as tf.Tensor2D).clone();
    });
  }

  /** (K + jitter I)^-1 = L^-T L^-1. */
  inverse(): tf.Tensor2D {
    if (this.lowerInverseF64 !== null) {
      return tf.tensor2d(Float32Array.from(inverseFromLowerInverse(this.lowerInverseF64, this.n)), [this.n, this.n]);
    }
    return tf.tidy(() => {
      const li = this.lowerInverse();
      return tf.matMul(tf.transpose(li), li);
    });
  }

  /** L itself, assembled from the block columns. */
  lower(): tf.Tensor2D {
    return tf.tidy(() => {
      const cols = this.blocks.map((b) => {
        const col = b.below === null ? b.diag : tf.concat([b.diag, b.below], 0);
        return b.start === 0
          ? col
          : tf.pad(col, [
              [b.start, 0],
              [0, 0],
            ]);
      });
      return cols.length === 1 ? (cols[0] as tf.Tensor2D).clone() : tf.concat(cols, 1);
    });
  }

  dispose(): void {
    disposeBlocks(this.blocks);
  }
}

/** Attempt 0 adds `rel * scale`; each later one ten times more (from 1e-10 * scale when rel is 0). */
function jitterAt(rel: number, attempt: number, scale: number): number {
  const unit = scale > 0 && Number.isFinite(scale) ? scale : 1;
  return attempt === 0 ? rel * unit : Math.max(rel, 1e-10) * unit * 10 ** attempt;
}

/** The right-looking blocked factorisation; null when a leaf pivot fails (float32 not enough). */
function blockedFactor(
  k: tf.Tensor2D,
  n: number,
  jitter: number,
  blockSize: number,
): { blocks: Block[]; logDet: number } | null {
  const blocks: Block[] = [];
  let logDet = 0;
  let trailing = tf.tidy(() => tf.add(k, tf.mul(tf.eye(n), jitter)) as tf.Tensor2D);
  try {
    for (let start = 0; start < n; start += blockSize) {
      const size = Math.min(blockSize, n - start);
      const m = n - start;
      const s = trailing;
      const leafTensor = m === size ? s : s.slice([0, 0], [size, size]);
      const leaf = Float64Array.from(leafTensor.dataSync());
      if (leafTensor !== s) leafTensor.dispose();
      if (choleskyInPlace(leaf, size) >= 0) {
        disposeBlocks(blocks);
        return null;
      }
      logDet += 2 * logDiagSum(leaf, size);
      const block = leafBlock(start, size, leaf, invertLower(leaf, size));
      if (m === size) {
        blocks.push(block);
        break;
      }
      const [below, belowT, next] = tf.tidy(() => {
        const panel = tf.matMul(s.slice([size, 0], [m - size, size]), block.diagInvT); // L21 = S21 L11^-T
        const panelT = tf.transpose(panel);
        const update = tf.matMul(panel, panelT);
        return [panel, panelT, tf.sub(s.slice([size, size], [m - size, m - size]), update)];
      }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      blocks.push({ ...block, below, belowT });
      trailing = next;
      s.dispose();
    }
    return { blocks, logDet };
  } catch (error) {
    disposeBlocks(blocks);
    throw error;
  } finally {
    trailing.dispose();
  }
}

/** A block column's diagonal part from float64 JS arrays (the factor and its inverse). */
function leafBlock(start: number, size: number, l: Float64Array, inv: Float64Array): Block {
  const invT = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) invT[j * size + i] = inv[i * size + j] as number;
  return {
    start,
    size,
    diag: tf.tensor2d(Float32Array.from(l), [size, size]),
    diagInv: tf.tensor2d(Float32Array.from(inv), [size, size]),
    diagInvT: tf.tensor2d(invT, [size, size]),
    below: null,
    belowT: null,
  };
}

function disposeBlocks(blocks: readonly Block[]): void {
  for (const b of blocks) for (const t of [b.diag, b.diagInv, b.diagInvT, b.below, b.belowT]) t?.dispose();
}

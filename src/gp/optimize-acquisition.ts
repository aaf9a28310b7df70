import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { type AcquisitionOptions, acquisitionValue } from './acquisition';
import type { GPPosterior } from './posterior';
import type { SearchSpaceEncoding } from './search-space-encoding';

/** Acquisition values of the m rows of an m x D tensor of encoded points; differentiable in them. */
export type AcquisitionEvaluator = (points: tf.Tensor2D) => tf.Tensor1D;

export interface AcquisitionSearchOptions {
  /** With `acquisition`: one GP and a closed-form acquisition of its mean and variance. */
  readonly posterior?: GPPosterior;
  readonly acquisition?: AcquisitionOptions;
  /** Any other acquisition (LogEHVI, constrained): used instead of `posterior` and `acquisition`. */
  readonly evaluate?: AcquisitionEvaluator;
  readonly encoding: SearchSpaceEncoding;
  /** Encoded candidate points (quasi-random), scored in batches; the best few start local search. */
  readonly candidates: readonly Float64Array[];
  /** Encoded candidates near the best observed points; the best of them start local searches too. */
  readonly localCandidates?: readonly Float64Array[];
  /** Further local-search starts (the incumbent). */
  readonly extraStarts?: readonly Float64Array[];
  /** Local searches from the best candidates, split between the two pools. Default 10. */
  readonly localStarts?: number;
  /** Gradient steps per local search. Default 50. */
  readonly steps?: number;
  /**
   * Adam's first step size in the unit cube. Default 0.05. It decays geometrically to
   * {@link LEARNING_RATE_DECAY} of that by the last step: large steps to climb out of the start's
   * neighbourhood, small ones to settle on the maximum rather than oscillate around it.
   */
  readonly learningRate?: number;
}

export interface AcquisitionOptimum {
  /** The encoded point, already on the parameters' grid. */
  readonly x: Float64Array;
  readonly value: number;
  /** 'refined' from local search, 'candidate' when no refined point scored as well (or finitely). */
  readonly source: 'refined' | 'candidate';
}

const BATCH = 2048;
/** The last Adam step size as a fraction of the first. */
export const LEARNING_RATE_DECAY = 0.02;

/** Acquisition values of encoded points, in batches of one tensor op each; NaN stays NaN. */
export function scorePoints(
  posterior: GPPosterior,
  acquisition: AcquisitionOptions,
  points: readonly Float64Array[],
): Float64Array {
  return scoreWith(closedForm(posterior, acquisition), points);
}

function closedForm(posterior: GPPosterior, acquisition: AcquisitionOptions): AcquisitionEvaluator {
  return (points) => {
    const { mean, variance } = posterior.predict(points);
    return acquisitionValue(acquisition, mean, variance);
  };
}

function evaluatorOf(options: AcquisitionSearchOptions): AcquisitionEvaluator {
  if (options.evaluate !== undefined) return options.evaluate;
  if (options.posterior === undefined || options.acquisition === undefined) {
    throw new InvalidArgumentError(
      'optimizeAcquisition options',
      Object.keys(options),
      'evaluate, or posterior and acquisition',
    );
  }
  return closedForm(options.posterior, options.acquisition);
}

/** Values of `evaluate` at encoded points, in batches of one tensor op each; NaN stays NaN. */
export function scoreWith(evaluate: AcquisitionEvaluator, points: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(points.length);
  if (points.length === 0) return out;
  const dims = (points[0] as Float64Array).length;
  for (let from = 0; from < points.length; from += BATCH) {
    const rows = points.slice(from, from + BATCH);
    const flat = new Float32Array(rows.length * dims);
    rows.forEach((r, i) => flat.set(r, i * dims));
    const values = tf.tidy(() => evaluate(tf.tensor2d(flat, [rows.length, dims])));
    out.set(values.dataSync(), from);
    values.dispose();
  }
  return out;
}

/**
 * Maximises the acquisition over the unit cube: scores every candidate of both pools (space-filling
 * and local), then from the best few of each (half the starts each, and the extra starts) runs
 * batched projected Adam on the numeric columns — the gradient comes from tfjs autodiff through the
 * posterior — and a greedy pass over each categorical's choices. Returns the best point after
 * snapping to the grid (the best unrefined candidate of each pool competes too), or null when nothing
 * scored finitely.
 */
export function optimizeAcquisition(options: AcquisitionSearchOptions): AcquisitionOptimum | null {
  const { encoding } = options;
  const evaluate = evaluatorOf(options);
  const pools = [options.candidates, options.localCandidates ?? []].filter((pool) => pool.length > 0);
  const nStarts = options.localStarts ?? 10;
  const starts: Float64Array[] = [];
  const bestOfPools: Float64Array[] = [];
  pools.forEach((pool, p) => {
    const scores = scoreWith(evaluate, pool);
    const order = Array.from(scores.keys())
      .filter((i) => Number.isFinite(scores[i]))
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    // Split the starts between the pools (space-filling first), so local search explores as well as refines.
    const share = p === pools.length - 1 ? nStarts - starts.length : Math.ceil(nStarts / pools.length);
    for (const i of order.slice(0, share)) starts.push((pool[i] as Float64Array).slice());
    if (order[0] !== undefined) bestOfPools.push(pool[order[0]] as Float64Array);
  });
  if (starts.length === 0 && (options.extraStarts ?? []).length === 0) return null;
  for (const s of options.extraStarts ?? []) starts.push(s.slice());
  let refined = gradientAscent(options, evaluate, starts);
  refined = categoricalSearch(options, evaluate, refined);
  const snapped = refined.map((x) => encoding.snap(x));
  const nRefined = snapped.length;
  for (const c of bestOfPools) snapped.push(encoding.snap(c));
  const finalScores = scoreWith(evaluate, snapped);
  let best = -1;
  for (let i = 0; i < snapped.length; i++) {
    const v = finalScores[i] as number;
    if (Number.isFinite(v) && (best < 0 || v > (finalScores[best] as number))) best = i;
  }
  if (best < 0) return null;
  return {
    x: snapped[best] as Float64Array,
    value: finalScores[best] as number,
    source: best >= nRefined ? 'candidate' : 'refined',
  };
}

/** Projected Adam ascent of all starts at once (rows are independent, so the sum's gradient is theirs). */
function gradientAscent(
  options: AcquisitionSearchOptions,
  evaluate: AcquisitionEvaluator,
  starts: Float64Array[],
): Float64Array[] {
  const { encoding } = options;
  const k = starts.length;
  const dims = encoding.dims;
  const steps = options.steps ?? 50;
  const lr0 = options.learningRate ?? 0.05;
  const x = new Float64Array(k * dims);
  starts.forEach((s, i) => x.set(s, i * dims));
  const m = new Float64Array(k * dims);
  const v = new Float64Array(k * dims);
  const best = starts.map((s) => s.slice());
  const bestValue = new Float64Array(k).fill(-Infinity);
  // The per-row values, kept out of the gradient's scope so each step reads values and gradient at once.
  const captured: { values: tf.Tensor | null } = { values: null };
  const objective = (input: tf.Tensor): tf.Scalar => {
    const values = evaluate(input as tf.Tensor2D);
    captured.values = tf.keep(values.clone());
    return tf.sum(values);
  };
  const valueAndGrad = tf.valueAndGrad(objective);
  for (let step = 0; step <= steps; step++) {
    const read: { grad: Float32Array | null; values: Float32Array | null } = { grad: null, values: null };
    tf.tidy(() => {
      const { grad } = valueAndGrad(tf.tensor2d(Float32Array.from(x), [k, dims]));
      read.grad = grad.dataSync() as Float32Array;
    });
    const kept = captured.values;
    if (kept !== null) {
      read.values = kept.dataSync() as Float32Array;
      kept.dispose();
      captured.values = null;
    }
    const { grad: g, values: vals } = read;
    if (g === null || vals === null) break;
    for (let i = 0; i < k; i++) {
      const value = vals[i] as number;
      if (Number.isFinite(value) && value > (bestValue[i] as number)) {
        bestValue[i] = value;
        best[i] = x.slice(i * dims, (i + 1) * dims);
      }
    }
    if (step === steps) break;
    // Adam, ascending, on numeric columns only; a NaN gradient freezes that coordinate.
    const b1 = 0.9;
    const b2 = 0.999;
    const t = step + 1;
    const lr = lr0 * Math.pow(LEARNING_RATE_DECAY, step / Math.max(1, steps - 1));
    for (let i = 0; i < k * dims; i++) {
      if (encoding.numericColumns[i % dims] !== 1) continue;
      const gi = g[i] as number;
      if (!Number.isFinite(gi)) continue;
      m[i] = b1 * (m[i] as number) + (1 - b1) * gi;
      v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      const mh = (m[i] as number) / (1 - b1 ** t);
      const vh = (v[i] as number) / (1 - b2 ** t);
      x[i] = Math.min(1, Math.max(0, (x[i] as number) + (lr * mh) / (Math.sqrt(vh) + 1e-8)));
    }
  }
  return best;
}

/** Two greedy rounds: every start tries every other choice of every categorical, keeping the best. */
function categoricalSearch(
  options: AcquisitionSearchOptions,
  evaluate: AcquisitionEvaluator,
  points: Float64Array[],
): Float64Array[] {
  const { encoding } = options;
  const groups = encoding.params.filter((p) => p.distribution.type === 'categorical' && p.size > 1);
  if (groups.length === 0 || points.length === 0) return points;
  let current: Float64Array[] = points.map((p) => p.slice());
  let currentScores = scoreWith(evaluate, current);
  for (let round = 0; round < 2; round++) {
    const variants: Float64Array[] = [];
    const owner: number[] = [];
    current.forEach((p, i) => {
      for (const g of groups) {
        for (let j = 0; j < g.size; j++) {
          if (p[g.start + j] === 1) continue;
          const q = p.slice();
          q.fill(0, g.start, g.start + g.size);
          q[g.start + j] = 1;
          variants.push(q);
          owner.push(i);
        }
      }
    });
    const scores = scoreWith(evaluate, variants);
    let improved = false;
    const next: Float64Array[] = current.map((p) => p.slice());
    const nextScores = currentScores.slice();
    variants.forEach((q, vi) => {
      const i = owner[vi] as number;
      const s = scores[vi] as number;
      if (Number.isFinite(s) && !(s <= (nextScores[i] as number))) {
        next[i] = q;
        nextScores[i] = s;
        improved = true;
      }
    });
    current = next;
    currentScores = nextScores;
    if (!improved) break;
  }
  return current;
}

import type { SearchSpaceEncoding } from '../../gp/search-space-encoding';
import type { IntervalRecord } from '../pbt/explorer';

/** What PB2's GP is fitted to: one row per usable interval, the latest `window` of them. */
export interface PB2Dataset {
  /** Encoded hyperparameters the interval trained with (unit cube, log ones in log space). */
  readonly x: Float64Array[];
  /** Reward change per step, standardised and clipped to ±{@link Y_CLIP}. */
  readonly y: Float64Array;
  /** Start step of each interval on the kernel's time axis (see {@link PB2TimeScale}). */
  readonly times: Float64Array;
  /** Reward before each interval, min-max normalised over the window (null without context). */
  readonly context: Float64Array | null;
  /** Places a step on the time axis as the intervals' starts were. */
  normalizeTime(step: number): number;
  /** Normalises a reward as the context column was. */
  normalizeReward(reward: number): number;
}

/**
 * The kernel's unit of time: `interval` counts perturbation intervals (the longest interval seen),
 * as TV-GP-UCB counts rounds, so ε is the forgetting per round; `window` min-max normalises the
 * window's start steps to [0, 1], as Ray Tune's PB2 does (ε ≤ 0.5 then forgets at most ~30 % across
 * the whole window).
 */
export type PB2TimeScale = 'interval' | 'window';

/** PB2 (Ray Tune's `standardize`) clips standardised reward changes at ±2: one lucky interval does not dominate. */
export const Y_CLIP = 2;

/**
 * The GP's data from the run's intervals, as PB2 prepares it: an interval is usable once its reward
 * before is known (not a member's first) and it covered at least a step; its y is the reward change
 * per step (Ray Tune divides by the steps too, so a shortened last interval compares), standardised
 * and clipped. Only the latest `window` intervals are kept (Ray Tune keeps at least its latest 200;
 * old ones say little about the current phase of training, and the GP's cost grows as n³).
 */
export function pb2Dataset(
  history: readonly IntervalRecord[],
  encoding: SearchSpaceEncoding,
  window: number,
  withContext: boolean,
  timeScale: PB2TimeScale = 'interval',
): PB2Dataset {
  const rows: { x: Float64Array; change: number; from: number; before: number; span: number }[] = [];
  for (const record of history) {
    const span = record.toStep - record.fromStep;
    if (!(span > 0) || !Number.isFinite(record.rewardBefore) || !Number.isFinite(record.rewardAfter)) continue;
    const x = encoding.encode(record.params);
    if (x === null) continue;
    rows.push({
      x,
      change: (record.rewardAfter - record.rewardBefore) / span,
      from: record.fromStep,
      before: record.rewardBefore,
      span,
    });
  }
  const kept = rows.slice(Math.max(0, rows.length - window));
  const first = Math.min(...kept.map((r) => r.from));
  const last = Math.max(...kept.map((r) => r.from));
  const unit = timeScale === 'window' ? Math.max(1, last - first) : Math.max(1, ...kept.map((r) => r.span));
  const normalizeTime = (step: number): number => (step - first) / unit;
  const lo = Math.min(...kept.map((r) => r.before));
  const hi = Math.max(...kept.map((r) => r.before));
  const normalizeReward = (reward: number): number => (hi > lo ? (reward - lo) / (hi - lo) : 0.5);
  return {
    x: kept.map((r) => r.x),
    y: standardizeClipped(kept.map((r) => r.change)),
    times: Float64Array.from(kept, (r) => normalizeTime(r.from)),
    context: withContext ? Float64Array.from(kept, (r) => normalizeReward(r.before)) : null,
    normalizeTime,
    normalizeReward,
  };
}

/** (v − mean) / std, clipped to ±Y_CLIP; all zeros when the values are constant. */
export function standardizeClipped(values: readonly number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return out;
  values.forEach((v, i) => (out[i] = Math.min(Y_CLIP, Math.max(-Y_CLIP, (v - mean) / std))));
  return out;
}

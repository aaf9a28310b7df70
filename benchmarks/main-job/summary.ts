/**
 * The main-job benchmark's arithmetic, apart from running anything: one run's figures from its
 * trial records, the accuracy threshold every run of a variant reaches, and the side-by-side ratios.
 */
import { median } from '../training/stats';

export type Side = 'ours' | 'theirs';

/** One trial as either side recorded it; times in seconds since the run's launch. */
export interface TrialRecord {
  readonly number: number;
  readonly state: string;
  readonly value: number | null;
  readonly start: number;
  readonly end: number;
  /** Each trained epoch's wall time (training and validation), in order. */
  readonly epochSeconds: readonly number[];
}

export interface RunRecord {
  readonly side: Side;
  readonly variant: string;
  readonly workers: number;
  readonly seed: number;
  readonly wallSeconds: number;
  readonly trials: readonly TrialRecord[];
}

export interface RunSummary {
  readonly wallSeconds: number;
  readonly trials: number;
  readonly completed: number;
  readonly pruned: number;
  readonly epochs: number;
  /** Mean wall time of a trained epoch, in milliseconds (NaN when none was trained). */
  readonly msPerEpoch: number;
  readonly best: number | null;
  /** From launch to the first trial's start. */
  readonly launchToFirstTrial: number | null;
}

export function summarizeRun(run: RunRecord): RunSummary {
  const epochs = run.trials.reduce((n, t) => n + t.epochSeconds.length, 0);
  const epochSeconds = run.trials.reduce((s, t) => s + t.epochSeconds.reduce((a, b) => a + b, 0), 0);
  const values = run.trials.filter((t) => t.state === 'COMPLETE' && t.value !== null).map((t) => t.value as number);
  const starts = run.trials.map((t) => t.start);
  return {
    wallSeconds: run.wallSeconds,
    trials: run.trials.length,
    completed: run.trials.filter((t) => t.state === 'COMPLETE').length,
    pruned: run.trials.filter((t) => t.state === 'PRUNED').length,
    epochs,
    msPerEpoch: epochs === 0 ? Number.NaN : (1000 * epochSeconds) / epochs,
    best: values.length === 0 ? null : Math.max(...values),
    launchToFirstTrial: starts.length === 0 ? null : Math.min(...starts),
  };
}

/**
 * The accuracy every given run reaches: the lowest of their best completed values (null when one of
 * them completed nothing), so "time to threshold" is defined for each of them.
 */
export function commonThreshold(runs: readonly RunRecord[]): number | null {
  let threshold = Infinity;
  for (const run of runs) {
    const best = summarizeRun(run).best;
    if (best === null) return null;
    threshold = Math.min(threshold, best);
  }
  return Number.isFinite(threshold) ? threshold : null;
}

/** Seconds from launch until the first trial completing with a value at or above `threshold`. */
export function timeToThreshold(run: RunRecord, threshold: number): number | null {
  const ends = run.trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null && t.value >= threshold)
    .map((t) => t.end);
  return ends.length === 0 ? null : Math.min(...ends);
}

function pick(runs: readonly RunRecord[], side: Side, variant: string, workers: number): RunRecord[] {
  return runs.filter((r) => r.side === side && r.variant === variant && r.workers === workers);
}

/** The median of a figure over the seeds of one side, variant and worker count (NaN when none ran). */
export function medianOf(
  runs: readonly RunRecord[],
  side: Side,
  variant: string,
  workers: number,
  figure: (s: RunSummary) => number | null,
): number {
  const xs = pick(runs, side, variant, workers)
    .map((r) => figure(summarizeRun(r)))
    .filter((x): x is number => x !== null && Number.isFinite(x));
  return xs.length === 0 ? Number.NaN : median(xs);
}

/**
 * The verdict ratios for one variant (each the median over seeds; NaN where a side did not run):
 * ours ÷ theirs wall time with the most workers that both ran, ours ÷ PyTorch per epoch (one
 * worker: no contention between trials), each side's speed-up from 1 to 2 workers, and ours ÷ theirs
 * from launch to the first trial.
 */
export function variantRatios(runs: readonly RunRecord[], variant: string): Record<string, number> {
  const m = (side: Side, workers: number, f: (s: RunSummary) => number | null): number =>
    medianOf(runs, side, variant, workers, f);
  const wall = (s: RunSummary): number => s.wallSeconds;
  const perEpoch = (s: RunSummary): number => s.msPerEpoch;
  const launch = (s: RunSummary): number | null => s.launchToFirstTrial;
  const out: Record<string, number> = {
    [`${variant}: wall ours ÷ theirs, 2 workers (goal ≤ 1.5)`]: m('ours', 2, wall) / m('theirs', 2, wall),
    [`${variant}: wall ours ÷ theirs, 1 worker`]: m('ours', 1, wall) / m('theirs', 1, wall),
    [`${variant}: per epoch ours ÷ PyTorch, 1 worker (goal ≤ 1.5)`]: m('ours', 1, perEpoch) / m('theirs', 1, perEpoch),
    [`${variant}: ours 1 ÷ 2 workers wall (goal ≥ 1.85)`]: m('ours', 1, wall) / m('ours', 2, wall),
    [`${variant}: theirs 1 ÷ 2 workers wall`]: m('theirs', 1, wall) / m('theirs', 2, wall),
    [`${variant}: launch to first trial ours ÷ theirs, 1 worker`]: m('ours', 1, launch) / m('theirs', 1, launch),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => Number.isFinite(v)));
}

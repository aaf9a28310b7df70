import { totalViolation } from '../../study/multi-objective';
import type { FrozenTrial } from '../../trial/frozen-trial';
import type { StudyDirection } from '../../trial/state';
import { hypervolumeWeights, nondominationRanks, selectByHypervolume } from './multi-objective';

/** The trials TPE models as "good" (below) and "bad" (above), each in trial-number order. */
export interface TrialSplit {
  readonly below: readonly FrozenTrial[];
  readonly above: readonly FrozenTrial[];
  /** Multi-objective only: MOTPE's weight for each trial of `below` (all 1 when uniform). */
  readonly belowWeights: Float64Array | null;
}

const byNumber = (a: FrozenTrial, b: FrozenTrial): number => a.number - b.number;

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Optuna's `_split_trials`: the best `nBelow` COMPLETE trials go below; if they are too few, the
 * PRUNED trials that got furthest (highest last step, then best last value) fill the gap. RUNNING
 * trials (constant liar) are always above, as if they had the worst value. FAIL never arrives here.
 * With `constrained`, infeasible trials (COMPLETE or PRUNED with a positive total violation, or
 * without recorded constraints) rank after all of those, by total violation, smaller first.
 */
export function splitTrials(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  nBelow: number,
  constrained = false,
  motpeWeights: 'uniform' | 'hypervolume' = 'uniform',
): TrialSplit {
  const complete: FrozenTrial[] = [];
  const pruned: FrozenTrial[] = [];
  const running: FrozenTrial[] = [];
  const infeasible: { trial: FrozenTrial; violation: number }[] = [];
  for (const t of trials) {
    const violation = constrained && t.state !== 'RUNNING' ? totalViolation(t) : 0;
    if (t.state === 'RUNNING') running.push(t);
    else if (!(violation <= 0))
      infeasible.push({ trial: t, violation: Number.isNaN(violation) ? Infinity : violation });
    else if (t.state === 'COMPLETE' && t.values !== null && t.values.length === directions.length) complete.push(t);
    else if (t.state === 'PRUNED') pruned.push(t);
  }
  const nComplete = Math.min(nBelow, complete.length);
  const [belowComplete, aboveComplete] =
    directions.length > 1
      ? splitMulti(complete, directions, nComplete)
      : splitSingle(complete, directions[0], nComplete);
  const nPruned = Math.min(Math.max(0, nBelow - belowComplete.length), pruned.length);
  const sign = directions.length === 1 && directions[0] === 'maximize' ? -1 : 1;
  const keys = new Map(pruned.map((t) => [t, prunedKey(t, sign)] as const));
  const sortedPruned = pruned.slice().sort((a, b) => {
    const ka = keys.get(a) as [number, number];
    const kb = keys.get(b) as [number, number];
    return cmp(ka[0], kb[0]) || cmp(ka[1], kb[1]) || a.number - b.number;
  });
  const nInfeasible = Math.min(Math.max(0, nBelow - belowComplete.length - nPruned), infeasible.length);
  const sortedInfeasible = infeasible
    .sort((a, b) => cmp(a.violation, b.violation) || a.trial.number - b.trial.number)
    .map((x) => x.trial);
  const below = [...belowComplete, ...sortedPruned.slice(0, nPruned), ...sortedInfeasible.slice(0, nInfeasible)].sort(
    byNumber,
  );
  const above = [
    ...aboveComplete,
    ...sortedPruned.slice(nPruned),
    ...sortedInfeasible.slice(nInfeasible),
    ...running,
  ].sort(byNumber);
  let belowWeights: Float64Array | null = null;
  if (directions.length > 1 && motpeWeights === 'uniform') {
    // Current Optuna (PR #6766): the good trials weigh the same, whatever they cover.
    belowWeights = new Float64Array(below.length).fill(1);
  } else if (directions.length > 1) {
    const signs = directions.map((d) => (d === 'maximize' ? -1 : 1));
    // Pruned trials have no values in multi-objective studies, and infeasible ones cover no
    // volume that counts; they get a negligible weight.
    const feasibleComplete = new Set(belowComplete);
    const losses = below.map((t) => (feasibleComplete.has(t) ? lossVector(t, signs) : null));
    const finite = losses.filter((l): l is Float64Array => l !== null);
    const w = hypervolumeWeights(finite);
    const all = new Float64Array(below.length).fill(1e-12);
    let j = 0;
    losses.forEach((l, i) => {
      if (l !== null) all[i] = w[j++] as number;
    });
    belowWeights = all;
  }
  return { below, above, belowWeights };
}

/**
 * Ranking key of a pruned trial: further is better (-step first), then its last value; a NaN
 * value ranks last at its step; a trial that reported nothing ranks after all that did.
 */
function prunedKey(t: FrozenTrial, sign: number): [number, number] {
  const step = t.lastStep;
  if (step === null) return [1, 0];
  const v = t.intermediateValues.get(step) as number;
  return [-step, Number.isNaN(v) ? Infinity : sign * v];
}

function splitSingle(
  complete: FrozenTrial[],
  direction: StudyDirection | undefined,
  n: number,
): [FrozenTrial[], FrozenTrial[]] {
  const sign = direction === 'maximize' ? -1 : 1;
  // Keys in a typed array (reading frozen trials in the comparator is the slow part); ties keep
  // trial-number order, as Python's stable sort does.
  const keys = Float64Array.from(complete, (t) => sign * (t.values?.[0] as number));
  const order = Array.from(complete, (_, i) => i).sort((a, b) => cmp(keys[a] as number, keys[b] as number) || a - b);
  const sorted = order.map((i) => complete[i] as FrozenTrial);
  return [sorted.slice(0, n), sorted.slice(n)];
}

function lossVector(t: FrozenTrial, signs: readonly number[]): Float64Array {
  return Float64Array.from(signs, (s, j) => s * (t.values?.[j] as number));
}

function splitMulti(
  complete: FrozenTrial[],
  directions: readonly StudyDirection[],
  n: number,
): [FrozenTrial[], FrozenTrial[]] {
  if (n === 0) return [[], complete.slice()];
  const signs = directions.map((d) => (d === 'maximize' ? -1 : 1));
  const losses = complete.map((t) => lossVector(t, signs));
  const ranks = nondominationRanks(losses, n);
  const chosen = new Set<number>();
  let rank = 0;
  for (;;) {
    const members: number[] = [];
    ranks.forEach((r, i) => {
      if (r === rank) members.push(i);
    });
    if (members.length === 0) break;
    if (chosen.size + members.length <= n) {
      for (const i of members) chosen.add(i);
      rank++;
      if (chosen.size === n) break;
      continue;
    }
    // The front that does not fit whole: keep the subset covering the most hypervolume.
    const pick = selectByHypervolume(
      members.map((i) => losses[i] as Float64Array),
      n - chosen.size,
    );
    for (const p of pick) chosen.add(members[p] as number);
    break;
  }
  const below: FrozenTrial[] = [];
  const above: FrozenTrial[] = [];
  complete.forEach((t, i) => (chosen.has(i) ? below : above).push(t));
  return [below, above];
}

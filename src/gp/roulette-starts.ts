import type { Rng } from '../random/rng';

/**
 * Which preliminary points start local searches (Optuna's `optimize_acqf_mixed`): the best-scoring
 * one, then up to `count - 1` more drawn without replacement with probability proportional to
 * exp(score - best score). The acquisition is a log (log EI, log EHVI), so this is a roulette on
 * the acquisition itself: near-best points of other basins get picked as well as the best basin,
 * which the top-k points alone would crowd out. Points that do not score finitely, and points so
 * far below the best that exp underflows, are never drawn, so fewer starts come back when the
 * acquisition has flattened out everywhere but at one point. Indices into `scores`, best first.
 */
export function rouletteStarts(scores: ArrayLike<number>, count: number, rng: Rng): number[] {
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (Number.isFinite(s) && (best < 0 || s > (scores[best] as number))) best = i;
  }
  if (best < 0 || count < 1) return [];
  const top = scores[best] as number;
  const weights = new Float64Array(scores.length);
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    weights[i] = i === best || !Number.isFinite(s) ? 0 : Math.exp(s - top);
    total += weights[i] as number;
  }
  const chosen = [best];
  while (chosen.length < count && total > 0) {
    let r = rng.next() * total;
    let pick = -1;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] as number;
      if (w === 0) continue;
      pick = i;
      r -= w;
      if (r < 0) break;
    }
    chosen.push(pick);
    total -= weights[pick] as number;
    weights[pick] = 0;
    // Rounding can leave a positive total with every weight spent.
    if (!weights.some((w) => w > 0)) break;
  }
  return chosen;
}

import type { Rng } from '../random/rng';
import type { SearchSpaceEncoding } from './search-space-encoding';

export interface LocalCandidateOptions {
  /** How many of the best observed points to perturb. Default 5. */
  readonly nBest?: number;
  /** Perturbed points in all. Default 512. */
  readonly count?: number;
  /** Range of the perturbations' standard deviation in the unit cube, drawn log-uniformly. Default [1e-3, 0.3]. */
  readonly scale?: readonly [number, number];
}

/**
 * Candidates near the best observed points, to be scored next to the space-filling ones (BoTorch's
 * `sample_around_best`, Optuna's local search from the best trials): quasi-random candidates almost
 * never land close enough to an incumbent to refine it in more than a few dimensions. Each one copies
 * a point drawn from the best `nBest` (better ranks more often), then moves a random subset of its
 * parameters, of random size, by a Gaussian step whose scale is drawn log-uniformly over `scale`
 * (numeric columns, clipped to the cube), or to another choice (categoricals). Subsets of every size
 * let the search move one parameter at a time as well as all of them together.
 */
export function localCandidates(
  encoding: SearchSpaceEncoding,
  observed: readonly Float64Array[],
  values: ArrayLike<number>,
  rng: Rng,
  options: LocalCandidateOptions = {},
): Float64Array[] {
  const order = Array.from(observed.keys()).sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const best = order.slice(0, Math.max(1, options.nBest ?? 5));
  const weights = best.map((_, rank) => 1 / (rank + 1));
  const [low, high] = options.scale ?? [1e-3, 0.3];
  const params = encoding.params;
  const out: Float64Array[] = [];
  for (let i = 0; i < (options.count ?? 512); i++) {
    const x = (observed[best[rng.weightedIndex(weights)] as number] as Float64Array).slice();
    const sigma = Math.exp(rng.uniform(Math.log(low), Math.log(high)));
    const k = rng.int(1, params.length);
    for (const p of rng.shuffle(params).slice(0, k)) {
      if (p.distribution.type === 'categorical') {
        if (p.size < 2) continue;
        x.fill(0, p.start, p.start + p.size);
        x[p.start + rng.int(0, p.size - 1)] = 1;
      } else {
        x[p.start] = Math.min(1, Math.max(0, (x[p.start] as number) + rng.normal(0, sigma)));
      }
    }
    out.push(x);
  }
  return out;
}

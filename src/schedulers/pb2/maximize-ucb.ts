import { optimizeAcquisition } from '../../gp/optimize-acquisition';
import type { GPPosterior } from '../../gp/posterior';
import type { SearchSpaceEncoding } from '../../gp/search-space-encoding';
import type { Rng } from '../../random/rng';

export interface UCBSearch {
  readonly posterior: GPPosterior;
  readonly encoding: SearchSpaceEncoding;
  /** UCB's weight: mean + sqrt(beta) · std. */
  readonly beta: number;
  /** Random candidates per categorical combination. */
  readonly candidates: number;
  readonly maxCategoricalCombinations: number;
  /** Encoded points that also start a local search (the explored-from parameters). */
  readonly starts: readonly Float64Array[];
  readonly rng: Rng;
}

/** Local searches per combination (the explored-from point's comes on top). */
const LOCAL_STARTS = 2;
/**
 * L-BFGS iterations per local search: the space is a handful of dimensions and the candidates already
 * lie close to the optimum; each step is a round of tensor-op dispatches, the explore step's main cost.
 */
const STEPS = 10;

/**
 * argmax of UCB over the encoded space. With few combinations of categorical choices, each
 * combination gets its own search over the numeric columns (random candidates with those choices,
 * the best few refined by bounded L-BFGS) and the best of all wins, so a categorical is chosen by
 * comparing the continuous optimum under each choice. With many, one search over random candidates
 * and exact searches over single choices (`optimizeAcquisition`'s). Null when nothing scored finitely.
 */
export function maximizeUCB(search: UCBSearch): Float64Array | null {
  const { encoding } = search;
  const combos = categoricalCombinations(encoding, search.maxCategoricalCombinations);
  let best: { x: Float64Array; value: number } | null = null;
  for (const [index, combo] of (combos ?? [null]).entries()) {
    const rng = search.rng.derive('combination', index);
    const fix = (x: Float64Array): Float64Array => (combo === null ? x : withChoices(encoding, x, combo));
    const candidates = Array.from({ length: search.candidates }, () =>
      fix(encoding.fromUnit(Array.from({ length: encoding.params.length }, () => rng.next()))),
    );
    const optimum = optimizeAcquisition({
      posterior: search.posterior,
      acquisition: { name: 'ucb', best: 0, ucbBeta: search.beta },
      encoding,
      candidates,
      extraStarts: search.starts.map(fix),
      localStarts: LOCAL_STARTS + search.starts.length,
      maxIterations: STEPS,
      rng: rng.derive('starts'),
    });
    if (optimum !== null && (best === null || optimum.value > best.value)) best = optimum;
  }
  return best?.x ?? null;
}

/** Every combination of the categoricals' choice indices (in parameter order), or null when there are none or too many. */
function categoricalCombinations(encoding: SearchSpaceEncoding, max: number): number[][] | null {
  const sizes = encoding.params.filter((p) => p.distribution.type === 'categorical').map((p) => p.size);
  if (sizes.length === 0 || sizes.reduce((a, b) => a * b, 1) > max) return null;
  let combos: number[][] = [[]];
  for (const size of sizes) combos = combos.flatMap((c) => Array.from({ length: size }, (_, j) => [...c, j]));
  return combos;
}

/** x with its one-hot columns set to the given choices. */
function withChoices(encoding: SearchSpaceEncoding, x: Float64Array, choices: readonly number[]): Float64Array {
  const out = x.slice();
  let k = 0;
  for (const p of encoding.params) {
    if (p.distribution.type !== 'categorical') continue;
    out.fill(0, p.start, p.start + p.size);
    out[p.start + (choices[k++] as number)] = 1;
  }
  return out;
}

import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../../errors';
import { KERNEL_NAMES, type KernelName } from '../../gp/kernels';
import { GPPosterior } from '../../gp/posterior';
import { SearchSpaceEncoding } from '../../gp/search-space-encoding';
import { fitTimeVaryingHyperparameters, timeVaryingFactor, type TimeVaryingInputs } from '../../gp/time-varying';
import type { ParamValue } from '../../space/distributions';
import { validateExploreOptions, type ExploreOptions } from '../pbt/explore';
import { perturbExplorer, type ExploreContext, type Explorer } from '../pbt/explorer';
import type { PBTParams } from '../pbt/member';
import { maximizeUCB } from './maximize-ucb';
import { pb2Dataset, type PB2TimeScale } from './pb2-data';

/** PB2's options; the PBT explore options apply to the perturbation it falls back to. */
export interface PB2ExplorerOptions extends ExploreOptions {
  /** The latest usable intervals the GP is fitted to. Default 200 (Ray Tune's PB2 keeps at least its latest 200). */
  readonly window?: number;
  /** Usable intervals needed before the GP takes over; with fewer, PB2 perturbs as PBT does. Default 4. */
  readonly minObservations?: number;
  /** Give the GP the reward before each interval as context, as Ray Tune's PB2 does. Default true. */
  readonly rewardContext?: boolean;
  /** The time-varying kernel's unit of time: perturbation intervals (TV-GP-UCB's rounds; default) or the window scaled to [0, 1] (Ray Tune's PB2). */
  readonly timeScale?: PB2TimeScale;
  /** The kernel on the hyperparameters: the paper's squared exponential ('rbf', default) or 'matern52'. */
  readonly kernel?: KernelName;
  /** Random candidates scored per categorical combination before local search. Default 128. */
  readonly candidates?: number;
  /** Up to this many combinations of categorical choices each get their own continuous search; beyond, one search with greedy switches. Default 16. */
  readonly maxCategoricalCombinations?: number;
}

export const DEFAULT_PB2_WINDOW = 200;
/** Hyperparameter fit effort: an explore runs at every exploit, so fewer starts and iterations than the GP sampler's 3 and 30. */
const FIT_RESTARTS = 2;
const FIT_ITERATIONS = 20;

/**
 * UCB's exploration weight after n observations: β = c1 + max(0, log(c2 n)), c1 = 0.2, c2 = 0.4
 * (the schedule of the PB2 authors' implementation in Ray Tune; β grows as log n, as GP-UCB's
 * theory asks, scaled down because the theoretical constants over-explore in practice).
 */
export function pb2Beta(n: number): number {
  return 0.2 + Math.max(0, Math.log(0.4 * n));
}

interface ResolvedOptions {
  readonly window: number;
  readonly minObservations: number;
  readonly rewardContext: boolean;
  readonly timeScale: PB2TimeScale;
  readonly kernel: KernelName;
  readonly candidates: number;
  readonly maxCategoricalCombinations: number;
}

function validate(options: PB2ExplorerOptions): ResolvedOptions {
  validateExploreOptions(options);
  const positiveInt = (field: string, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) throw new InvalidArgumentError(field, v, `an integer >= ${min}`);
    return v;
  };
  const kernel = options.kernel ?? 'rbf';
  if (!KERNEL_NAMES.includes(kernel)) throw new InvalidArgumentError('kernel', kernel, KERNEL_NAMES.join(' or '));
  if (options.rewardContext !== undefined && typeof options.rewardContext !== 'boolean') {
    throw new InvalidArgumentError('rewardContext', options.rewardContext, 'true or false');
  }
  const timeScale = options.timeScale ?? 'interval';
  if (timeScale !== 'interval' && timeScale !== 'window') {
    throw new InvalidArgumentError('timeScale', timeScale, "'interval' or 'window'");
  }
  return {
    timeScale,
    window: positiveInt('window', options.window ?? DEFAULT_PB2_WINDOW, 2),
    minObservations: positiveInt('minObservations', options.minObservations ?? 4, 2),
    rewardContext: options.rewardContext ?? true,
    kernel,
    candidates: positiveInt('candidates', options.candidates ?? 128, 1),
    maxCategoricalCombinations: positiveInt('maxCategoricalCombinations', options.maxCategoricalCombinations ?? 16, 1),
  };
}

/**
 * PB2's explore step (Parker-Holder et al., "Provably Efficient Online Hyperparameter Optimization
 * with Population-Based Bandits", NeurIPS 2020): a GP-UCB bandit on the reward change per interval.
 * - Data: the latest `window` intervals of every member; y = reward change per step, standardised
 *   and clipped at ±2; inputs = the interval's start (in perturbation intervals), the reward before
 *   it (`rewardContext`, min-max normalised) and the hyperparameters in the unit cube (log ones in
 *   log space, categoricals one-hot).
 * - Kernel: TV-GP-UCB's time-varying product (1 − ε)^{|t − t'|/2} · k_x, ε fitted with the other
 *   hyperparameters by the marginal likelihood, in (0, 0.5] (`fitTimeVaryingHyperparameters`).
 * - Batch: the other members' current parameters enter the GP at the current time and reward with
 *   the posterior mean as their value (GP-BUCB's hallucination: the mean is unchanged, the variance
 *   shrinks there), so members exploring at once spread out.
 * - Choice: argmax of mean + sqrt(β_n) · std over the bounds (`pb2Beta`), at the current
 *   step and the explored-from state's reward; ints and steps snapped on decoding.
 * - Categoricals (which Ray Tune's PB2 refuses): one-hot columns sharing one lengthscale, and the
 *   continuous optimum searched separately for every combination of choices (beyond
 *   `maxCategoricalCombinations`, one search with greedy choice switches), the best one kept.
 * - Fewer than `minObservations` usable intervals (the first rounds), or a GP that cannot be fitted:
 *   PBT's perturbation (`perturbExplorer`), as Ray Tune's PB2 starts from PBT's explore.
 * Every draw comes from the context's rng, so the same context gives the same parameters.
 */
export function pb2Explorer(options: PB2ExplorerOptions = {}): Explorer {
  const resolved = validate(options);
  const fallback = perturbExplorer(options);
  return (context) => {
    const encoding = new SearchSpaceEncoding(context.mutations);
    const data = pb2Dataset(context.history, encoding, resolved.window, resolved.rewardContext, resolved.timeScale);
    if (data.x.length < resolved.minObservations) return fallback(context);
    const chosen = chooseByUCB(context, encoding, data, resolved);
    if (chosen === null) return fallback(context);
    return { ...context.params, ...chosen };
  };
}

function chooseByUCB(
  context: ExploreContext,
  encoding: SearchSpaceEncoding,
  data: ReturnType<typeof pb2Dataset>,
  options: ResolvedOptions,
): Record<string, ParamValue> | null {
  const at = {
    time: data.normalizeTime(context.step),
    context: data.context === null ? null : data.normalizeReward(currentReward(context)),
  };
  const pending = pendingPoints(context, encoding);
  const owned: { dispose(): void }[] = [];
  try {
    const dims = encoding.dims;
    const x = toTensor(data.x, dims);
    owned.push(x);
    const inputs: TimeVaryingInputs = { times: data.times, context: data.context };
    const hp = fitTimeVaryingHyperparameters(x, data.y, inputs, {
      kernel: options.kernel,
      columnParam: encoding.columnParam,
      rng: context.rng.derive('pb2-fit'),
      restarts: FIT_RESTARTS,
      maxIterations: FIT_ITERATIONS,
    });
    const factor = timeVaryingFactor(hp, inputs, at);
    owned.push(factor.train);
    let posterior = GPPosterior.fit(options.kernel, x, data.y, hp, {}, factor);
    owned.push(posterior);
    if (pending.length > 0) {
      // The pending points' hallucinated values: the posterior mean there (it leaves the mean unchanged).
      const { mean } = posterior.predictArrays(pending);
      const all = [...data.x, ...pending];
      const xAll = toTensor(all, dims);
      owned.push(xAll);
      const allInputs: TimeVaryingInputs = {
        times: [...data.times, ...pending.map(() => at.time)],
        context:
          at.context === null || data.context === null
            ? null
            : [...data.context, ...pending.map(() => at.context as number)],
      };
      const allFactor = timeVaryingFactor(hp, allInputs, at);
      owned.push(allFactor.train);
      posterior = GPPosterior.fit(options.kernel, xAll, [...data.y, ...mean], hp, {}, allFactor);
      owned.push(posterior);
    }
    const start = encoding.encode(context.params);
    const best = maximizeUCB({
      posterior,
      encoding,
      beta: pb2Beta(data.x.length),
      candidates: options.candidates,
      maxCategoricalCombinations: options.maxCategoricalCombinations,
      starts: start === null ? [] : [start],
      rng: context.rng.derive('pb2-acquisition'),
    });
    return best === null ? null : encoding.decode(best);
  } catch {
    // A covariance no jitter rescues (degenerate data): PBT's perturbation is still a sound explore.
    return null;
  } finally {
    for (const o of owned) o.dispose();
  }
}

/** The reward of the state explored from: given by the loop, else the latest interval that ended here with these parameters. */
function currentReward(context: ExploreContext): number {
  if (context.reward !== undefined && Number.isFinite(context.reward)) return context.reward;
  const same = (p: PBTParams) => Object.keys(context.mutations).every((k) => p[k] === context.params[k]);
  for (let i = context.history.length - 1; i >= 0; i--) {
    const r = context.history[i];
    if (r !== undefined && r.toStep === context.step && same(r.params)) return r.rewardAfter;
  }
  return context.history[context.history.length - 1]?.rewardAfter ?? 0;
}

/** The other members' current parameters, encoded: given by the loop, else each one's latest interval. */
function pendingPoints(context: ExploreContext, encoding: SearchSpaceEncoding): Float64Array[] {
  let others: PBTParams[];
  if (context.population !== undefined) {
    others = context.population.filter((_, id) => id !== context.member);
  } else {
    const latest = new Map<number, PBTParams>();
    for (const r of context.history) if (r.member !== context.member) latest.set(r.member, r.params);
    others = [...latest.keys()].sort((a, b) => a - b).map((id) => latest.get(id) as PBTParams);
  }
  return others.map((p) => encoding.encode(p)).filter((x): x is Float64Array => x !== null);
}

function toTensor(rows: readonly Float64Array[], dims: number): tf.Tensor2D {
  const flat = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => flat.set(r, i * dims));
  return tf.tensor2d(flat, [rows.length, dims]);
}

import { InvalidArgumentError } from '../../errors';

/** The network weights' optimiser: SGD with momentum, cosine-annealed, PyTorch's coupled weight decay. */
export interface WeightOptimizerOptions {
  /** Start of the cosine schedule. DARTS: 0.025. */
  readonly learningRate?: number;
  /** End of the cosine schedule (after the last epoch). DARTS: 0.001. */
  readonly learningRateMin?: number;
  /** DARTS: 0.9. */
  readonly momentum?: number;
  /** L2 added to the gradient, as PyTorch's SGD. DARTS: 3e-4. */
  readonly weightDecay?: number;
  /** The weights' gradient is rescaled to at most this global norm; 0 turns clipping off. DARTS: 5. */
  readonly gradClip?: number;
}

/** α's optimiser: Adam with PyTorch's coupled weight decay. */
export interface AlphaOptimizerOptions {
  /** DARTS: 3e-4. */
  readonly learningRate?: number;
  /** DARTS: 0.5. */
  readonly beta1?: number;
  /** DARTS: 0.999. */
  readonly beta2?: number;
  /** DARTS: 1e-3. */
  readonly weightDecay?: number;
}

/** How a bilevel search runs; every field has DARTS' CIFAR-10 value as its default, except the sizes. */
export interface BilevelOptions {
  /** Search epochs over the training split. Default 50 (DARTS). */
  readonly epochs?: number;
  /** Images per step, for both splits. Default 64 (DARTS). */
  readonly batchSize?: number;
  /**
   * 'first': α's gradient at the current weights (DARTS' first order). 'second': at the weights after
   * one virtual SGD step, with the Hessian-vector product by finite differences (DARTS' second order,
   * about four times the cost per step). Default 'first'.
   */
  readonly order?: 'first' | 'second';
  readonly weights?: WeightOptimizerOptions;
  readonly alpha?: AlphaOptimizerOptions;
  /**
   * DARTS+'s rule against collapse: stop the search once the derived normal cell has this many
   * `skip_connect` edges (DARTS+ uses 2). Default false: never stop early.
   */
  readonly earlyStopSkips?: number | false;
  /** Seeds the order of the batches. Default 0. */
  readonly seed?: number;
}

export interface ResolvedBilevelOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly order: 'first' | 'second';
  readonly weights: Required<WeightOptimizerOptions>;
  readonly alpha: Required<AlphaOptimizerOptions>;
  readonly earlyStopSkips: number | false;
  readonly seed: number;
}

export const BILEVEL_KEYS = ['epochs', 'batchSize', 'order', 'weights', 'alpha', 'earlyStopSkips', 'seed'] as const;
const WEIGHT_KEYS = ['learningRate', 'learningRateMin', 'momentum', 'weightDecay', 'gradClip'] as const;
const ALPHA_KEYS = ['learningRate', 'beta1', 'beta2', 'weightDecay'] as const;

function refuseUnknown(obj: object, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(
        `${path}${key}`,
        (obj as Record<string, unknown>)[key],
        `a key among ${allowed.join(', ')}`,
      );
    }
  }
}

function number(value: unknown, field: string, check: (v: number) => boolean, allowed: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new InvalidArgumentError(field, value ?? null, allowed);
  }
  return value;
}

const positive = (v: number): boolean => v > 0;
const nonNegative = (v: number): boolean => v >= 0;
const unitOpen = (v: number): boolean => v >= 0 && v < 1;
const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

/** Fills in DARTS' defaults and checks every field; an error names the field (`path` its prefix). */
export function resolveBilevelOptions(options: BilevelOptions = {}, path = ''): ResolvedBilevelOptions {
  refuseUnknown(options, BILEVEL_KEYS, path);
  const w = options.weights ?? {};
  const a = options.alpha ?? {};
  refuseUnknown(w, WEIGHT_KEYS, `${path}weights.`);
  refuseUnknown(a, ALPHA_KEYS, `${path}alpha.`);
  const order = options.order ?? 'first';
  if (order !== 'first' && order !== 'second')
    throw new InvalidArgumentError(`${path}order`, order, "'first' or 'second'");
  const learningRate = number(w.learningRate ?? 0.025, `${path}weights.learningRate`, positive, 'a number > 0');
  const weights = {
    learningRate,
    learningRateMin: number(
      w.learningRateMin ?? Math.min(0.001, learningRate),
      `${path}weights.learningRateMin`,
      (v) => v >= 0 && v <= learningRate,
      `a number in [0, weights.learningRate = ${learningRate}]`,
    ),
    momentum: number(w.momentum ?? 0.9, `${path}weights.momentum`, unitOpen, 'a number in [0, 1)'),
    weightDecay: number(w.weightDecay ?? 3e-4, `${path}weights.weightDecay`, nonNegative, 'a number >= 0'),
    gradClip: number(w.gradClip ?? 5, `${path}weights.gradClip`, nonNegative, 'a number >= 0 (0: no clipping)'),
  };
  const alpha = {
    learningRate: number(a.learningRate ?? 3e-4, `${path}alpha.learningRate`, nonNegative, 'a number >= 0'),
    beta1: number(a.beta1 ?? 0.5, `${path}alpha.beta1`, unitOpen, 'a number in [0, 1)'),
    beta2: number(a.beta2 ?? 0.999, `${path}alpha.beta2`, unitOpen, 'a number in [0, 1)'),
    weightDecay: number(a.weightDecay ?? 1e-3, `${path}alpha.weightDecay`, nonNegative, 'a number >= 0'),
  };
  const skips = options.earlyStopSkips ?? false;
  const earlyStopSkips =
    skips === false
      ? false
      : number(
          skips,
          `${path}earlyStopSkips`,
          (v) => Number.isInteger(v) && v >= 1 && v <= 8,
          'false or an integer in [1, 8]',
        );
  return {
    epochs: number(options.epochs ?? 50, `${path}epochs`, positiveInt, 'a positive integer'),
    batchSize: number(options.batchSize ?? 64, `${path}batchSize`, positiveInt, 'a positive integer'),
    order,
    weights,
    alpha,
    earlyStopSkips,
    seed: number(options.seed ?? 0, `${path}seed`, (v) => Number.isInteger(v), 'an integer'),
  };
}

/** The weights' learning rate in epoch `epoch` of `epochs`: cosine from learningRate to learningRateMin (PyTorch's CosineAnnealingLR). */
export function cosineLearningRate(weights: Required<WeightOptimizerOptions>, epoch: number, epochs: number): number {
  const { learningRate: max, learningRateMin: min } = weights;
  return min + ((max - min) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

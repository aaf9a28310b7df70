import { InvalidArgumentError } from '../../errors';
import { checkKeys, isObj, optInt, optNumber, optString } from './check';

/** Stop-only pruners (`pruner: { type, … }`) for trials that train to `epochs` on their own. */
export const PRUNER_TYPES = [
  'median',
  'percentile',
  'patient',
  'threshold',
  'successive-halving',
  'hyperband',
  'dominated',
  'nop',
] as const;
export type PrunerType = (typeof PRUNER_TYPES)[number];

/** A validated `pruner` block; `type: 'none'` when the config leaves `pruner` out. */
export interface PrunerConfig {
  readonly type: PrunerType | 'none';
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly percentile: number;
  /** successive-halving / hyperband: epochs of the first rung, and the rungs' reduction factor. */
  readonly minResource: number;
  readonly reductionFactor: number;
  /** patient: epochs without improvement before a trial stops, and the tolerance. */
  readonly patience: number;
  readonly minDelta: number;
  /** threshold: stop a trial whose value leaves [lower, upper]. */
  readonly lower: number | null;
  readonly upper: number | null;
  /** dominated (several metrics): the share of completed trials whose vector at a step dominates a trial's that stops it. */
  readonly minDominatedFraction: number;
}

/** The keys each type takes besides `type`. */
const KEYS: Readonly<Record<PrunerType, readonly string[]>> = {
  median: ['nStartupTrials', 'nWarmupSteps'],
  percentile: ['percentile', 'nStartupTrials', 'nWarmupSteps'],
  patient: ['patience', 'minDelta'],
  threshold: ['lower', 'upper', 'nWarmupSteps'],
  'successive-halving': ['minResource', 'reductionFactor'],
  hyperband: ['minResource', 'reductionFactor'],
  dominated: ['nStartupTrials', 'nWarmupSteps', 'minDominatedFraction'],
  nop: [],
};

export const NO_PRUNER: PrunerConfig = {
  type: 'none',
  nStartupTrials: 5,
  nWarmupSteps: 1,
  percentile: 25,
  minResource: 1,
  reductionFactor: 3,
  patience: 2,
  minDelta: 0,
  lower: null,
  upper: null,
  minDominatedFraction: 0.5,
};

const FORM = `{ type: ${PRUNER_TYPES.join(' | ')}, … }`;
/** ASHA is a scheduler now; Optuna's stop-only variant is successive halving. */
const ASHA_POINTER =
  "scheduler: { type: asha } (promotions, ASHA as in the paper) or pruner: { type: successive-halving } (Optuna's stop-only variant)";

/**
 * `pruner`: one spelling, the object form. The old ones are refused before any work, each with the
 * spelling that replaced it: `pruner: asha` / `{ type: asha }` (ASHA is a scheduler, or the
 * successive-halving pruner), a bare name (`pruner: median` → `{ type: median }`), `none`.
 */
export function parsePruner(raw: unknown): PrunerConfig {
  if (raw === undefined) return NO_PRUNER;
  if (raw === 'asha') throw new InvalidArgumentError('pruner', raw, ASHA_POINTER);
  if (raw === 'none' || raw === false)
    throw new InvalidArgumentError('pruner', raw, 'left out (no pruner), or pruner: { type: nop }');
  if (typeof raw === 'string' && (PRUNER_TYPES as readonly string[]).includes(raw))
    throw new InvalidArgumentError('pruner', raw, `pruner: { type: ${raw} } (the object form)`);
  if (!isObj(raw)) throw new InvalidArgumentError('pruner', raw, FORM);
  if (raw['type'] === 'asha') throw new InvalidArgumentError('pruner.type', raw['type'], ASHA_POINTER);
  const type = optString(raw, 'type', 'pruner.', PRUNER_TYPES) as PrunerType | undefined;
  if (type === undefined) throw new InvalidArgumentError('pruner.type', undefined, `one of ${PRUNER_TYPES.join(', ')}`);
  checkKeys(raw, ['type', ...KEYS[type]], 'pruner');
  const percentile = optNumber(raw, 'percentile', 'pruner.', 0) ?? NO_PRUNER.percentile;
  if (percentile > 100) throw new InvalidArgumentError('pruner.percentile', percentile, 'a number from 0 to 100');
  const lower = optBound(raw, 'lower');
  const upper = optBound(raw, 'upper');
  if (type === 'threshold' && lower === null && upper === null)
    throw new InvalidArgumentError('pruner.lower', undefined, 'a number (or upper; threshold needs at least one)');
  const fraction = optNumber(raw, 'minDominatedFraction', 'pruner.', 0) ?? NO_PRUNER.minDominatedFraction;
  if (fraction <= 0 || fraction > 1)
    throw new InvalidArgumentError('pruner.minDominatedFraction', fraction, 'a number in (0, 1]');
  if (type === 'patient' && raw['patience'] === undefined)
    throw new InvalidArgumentError('pruner.patience', undefined, 'an integer >= 0 (epochs without improvement)');
  return {
    type,
    nStartupTrials: optInt(raw, 'nStartupTrials', 'pruner.', 0) ?? NO_PRUNER.nStartupTrials,
    nWarmupSteps: optInt(raw, 'nWarmupSteps', 'pruner.', 0) ?? (type === 'threshold' ? 0 : NO_PRUNER.nWarmupSteps),
    percentile,
    minResource: optInt(raw, 'minResource', 'pruner.', 1) ?? NO_PRUNER.minResource,
    reductionFactor: optInt(raw, 'reductionFactor', 'pruner.', 2) ?? NO_PRUNER.reductionFactor,
    patience: optInt(raw, 'patience', 'pruner.', 0) ?? NO_PRUNER.patience,
    minDelta: optNumber(raw, 'minDelta', 'pruner.', 0) ?? NO_PRUNER.minDelta,
    lower,
    upper,
    minDominatedFraction: fraction,
  };
}

function optBound(raw: Readonly<Record<string, unknown>>, key: 'lower' | 'upper'): number | null {
  const v = raw[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`pruner.${key}`, v, 'a number');
  return v;
}

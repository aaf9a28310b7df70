import { InvalidArgumentError } from '../../errors';
import { checkKeys, isObj, optInt } from './check';

/** `ensemble:` in a run config: greedy ensemble selection over the best trials after the search. */
export interface EnsembleConfig {
  /** Iterations of greedy selection (picks with replacement). */
  readonly size: number;
  /** Candidates: the best `topK` trials. */
  readonly topK: number;
}

export const ENSEMBLE_DEFAULTS: EnsembleConfig = { size: 50, topK: 10 };

/** `true` (the defaults), `false` / absent (none), or `{ size, topK }`. */
export function parseEnsemble(raw: unknown): EnsembleConfig | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return ENSEMBLE_DEFAULTS;
  if (!isObj(raw)) throw new InvalidArgumentError('ensemble', raw, 'true, false or { size, topK }');
  checkKeys(raw, ['size', 'topK'], 'ensemble');
  return {
    size: optInt(raw, 'size', 'ensemble.', 1) ?? ENSEMBLE_DEFAULTS.size,
    topK: optInt(raw, 'topK', 'ensemble.', 1) ?? ENSEMBLE_DEFAULTS.topK,
  };
}

import type { Rng } from '../random/rng';
import type { Distribution, ParamValue } from './distributions';

/**
 * Draws one value uniformly from a distribution in its natural scale: uniform in log space for
 * log distributions, uniform over the grid points for stepped ones (Optuna's RandomSampler rules).
 */
export function sampleUniform(distribution: Distribution, rng: Rng): ParamValue {
  switch (distribution.type) {
    case 'categorical':
      return distribution.choices[rng.int(0, distribution.choices.length - 1)] as ParamValue;
    case 'int': {
      const { low, high, step, log } = distribution;
      if (log) {
        // Widen by half a unit on each side so the end points get their fair share after rounding.
        const v = Math.exp(rng.uniform(Math.log(low - 0.5), Math.log(high + 0.5)));
        return Math.min(high, Math.max(low, Math.round(v)));
      }
      return low + step * rng.int(0, (high - low) / step);
    }
    case 'float': {
      const { low, high, step, log } = distribution;
      if (log) return Math.min(high, Math.max(low, Math.exp(rng.uniform(Math.log(low), Math.log(high)))));
      if (step !== null) {
        const k = rng.int(0, Math.round((high - low) / step));
        return Math.min(high, low + k * step);
      }
      return low === high ? low : rng.uniform(low, high);
    }
  }
}

import type { Distribution, ParamValue } from '../../space/distributions';

/**
 * A point u of [0, 1) as a value of `dist`, so that a uniform u gives the distribution's uniform
 * law (RandomSampler's rules): linear or log-linear for floats, equal cells per grid point for
 * stepped floats and ints, log-spaced cells [k - 0.5, k + 0.5] for log ints, and equal cells per
 * choice for categoricals (the choice's index, one dimension per parameter).
 */
export function fromUnit(dist: Distribution, u: number): ParamValue {
  if (dist.type === 'categorical') {
    return dist.choices[Math.min(dist.choices.length - 1, Math.floor(u * dist.choices.length))] as ParamValue;
  }
  const { low, high } = dist;
  const clip = (v: number): number => Math.min(high, Math.max(low, v));
  if (dist.log) {
    if (dist.type === 'int') {
      const lo = Math.log(low - 0.5);
      return clip(Math.round(Math.exp(lo + u * (Math.log(high + 0.5) - lo))));
    }
    const lo = Math.log(low);
    return clip(Math.exp(lo + u * (Math.log(high) - lo)));
  }
  if (dist.step === null) return clip(low + u * (high - low));
  const cells = Math.round((high - low) / dist.step) + 1;
  return clip(low + Math.min(cells - 1, Math.floor(u * cells)) * dist.step);
}

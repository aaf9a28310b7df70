import type { Distribution, ParamValue } from '../../space/distributions';

/**
 * One axis of the space TPE models, after the transform: log distributions in log space, int and
 * stepped distributions as the grid `low + k * step` (kernels are integrated over a cell of width
 * `step` around each point), categoricals as the index of the choice.
 */
export type ParzenDim =
  | { readonly kind: 'categorical'; readonly nChoices: number }
  | {
      readonly kind: 'numerical';
      readonly low: number;
      readonly high: number;
      readonly step: number;
      /** A log int: continuous in log space, but a value v owns the cell [log(v - 1/2), log(v + 1/2)]. */
      readonly logInt?: boolean;
    };

/** The axis a distribution becomes (step 0 means continuous). */
export function parzenDim(dist: Distribution): ParzenDim {
  if (dist.type === 'categorical') return { kind: 'categorical', nChoices: dist.choices.length };
  if (dist.log) {
    // A log int is continuous in log space over the cells [low - 0.5, high + 0.5], rounded after.
    if (dist.type === 'int') {
      return {
        kind: 'numerical',
        low: Math.log(dist.low - 0.5),
        high: Math.log(dist.high + 0.5),
        step: 0,
        logInt: true,
      };
    }
    return { kind: 'numerical', low: Math.log(dist.low), high: Math.log(dist.high), step: 0 };
  }
  return { kind: 'numerical', low: dist.low, high: dist.high, step: dist.step ?? 0 };
}

/**
 * A stored value in the transformed space. `recordedWith` is the distribution the trial used, which
 * may differ in range from today's (ranges may change between trials; type and log may not).
 */
export function toModelSpace(recordedWith: Distribution, value: ParamValue): number {
  const internal = recordedWith.toInternal(value);
  if (recordedWith.type !== 'categorical' && recordedWith.log) return Math.log(internal);
  return internal;
}

/** A point of the transformed space back to a legal value of `dist`. */
export function fromModelSpace(dist: Distribution, x: number): ParamValue {
  if (dist.type === 'categorical') return dist.choices[Math.round(x)] as ParamValue;
  const { low, high } = dist;
  let v: number;
  if (dist.log) {
    v = Math.exp(x);
    if (dist.type === 'int') v = Math.round(v);
  } else if (dist.step !== null) {
    v = low + Math.round((x - low) / dist.step) * dist.step;
  } else {
    v = x;
  }
  return Math.min(high, Math.max(low, v));
}

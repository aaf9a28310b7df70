import type { ParamValue } from '../../space/distributions';
import type { FrozenTrial } from '../../trial/frozen-trial';

/** How one parameter is drawn on an axis: numeric (linear or log) or categorical (its choices in order). */
export type ParamAxis =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      readonly log: boolean;
      readonly low: number;
      readonly high: number;
    }
  | { readonly name: string; readonly kind: 'categorical'; readonly choices: readonly string[] };

/** A categorical choice as the charts label it (null, booleans and numbers as JSON spells them). */
export function choiceLabel(value: ParamValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One axis per parameter the given trials used, sorted by name (JS object keys are not insertion
 * ordered for integer-like names). The range is the distribution's, widened to the observed values,
 * so a study whose distributions changed still places every point. Categorical when any trial drew
 * it from a categorical distribution.
 */
export function paramAxes(trials: readonly FrozenTrial[]): ParamAxis[] {
  const seen = new Map<string, { categorical: string[] | null; log: boolean; low: number; high: number }>();
  for (const t of trials) {
    for (const [name, dist] of Object.entries(t.distributions)) {
      const cur = seen.get(name) ?? { categorical: null, log: false, low: Infinity, high: -Infinity };
      if (dist.toJSON().type === 'categorical') {
        const json = dist.toJSON() as { choices: ParamValue[] };
        cur.categorical ??= [];
        for (const c of json.choices.map(choiceLabel)) if (!cur.categorical.includes(c)) cur.categorical.push(c);
      } else {
        const json = dist.toJSON() as { low: number; high: number; log: boolean };
        cur.log ||= json.log;
        const v = t.params[name];
        const nums = typeof v === 'number' ? [json.low, json.high, v] : [json.low, json.high];
        cur.low = Math.min(cur.low, ...nums);
        cur.high = Math.max(cur.high, ...nums);
      }
      seen.set(name, cur);
    }
  }
  return [...seen.keys()].sort().map((name): ParamAxis => {
    const s = seen.get(name) as { categorical: string[] | null; log: boolean; low: number; high: number };
    if (s.categorical !== null) return { name, kind: 'categorical', choices: s.categorical };
    return { name, kind: 'numeric', log: s.log && s.low > 0, low: s.low, high: s.high };
  });
}

/**
 * Where a value sits on its axis, in [0, 1]: log axes in log space, categorical choices evenly
 * spaced in their order. Null when the trial lacks the parameter or the value is off the axis.
 */
export function axisPosition(axis: ParamAxis, value: ParamValue | undefined): number | null {
  if (value === undefined) return null;
  if (axis.kind === 'categorical') {
    const i = axis.choices.indexOf(choiceLabel(value));
    if (i < 0) return null;
    return axis.choices.length === 1 ? 0.5 : i / (axis.choices.length - 1);
  }
  if (typeof value !== 'number') return null;
  const f = axis.log ? Math.log : (x: number): number => x;
  const lo = f(axis.low);
  const hi = f(axis.high);
  return hi === lo ? 0.5 : (f(value) - lo) / (hi - lo);
}

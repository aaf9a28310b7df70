import { InvalidArgumentError, quote } from '../errors';
import type { CategoricalChoice, ParamValue } from '../space/distributions';
import type { SuggestFloatOptions, SuggestIntOptions } from '../study/trial';
import type { SuggestApi } from '../training/hyper-model';

/** More points than this is surely a mistake (an Int range without a step, say). */
export const MAX_GRID_POINTS = 10_000;

interface Axis {
  readonly name: string;
  readonly values: readonly ParamValue[];
  index: number;
}

function intValues(name: string, low: number, high: number, options: SuggestIntOptions): number[] {
  const step = options.step ?? 1;
  const n = Math.floor((high - low) / step) + 1;
  if (!(n >= 1) || n > MAX_GRID_POINTS)
    throw new InvalidArgumentError(
      `grid parameter ${quote(name)}`,
      [low, high, step],
      `a range of at most ${MAX_GRID_POINTS} values`,
    );
  return Array.from({ length: n }, (_, i) => low + i * step);
}

function floatValues(name: string, low: number, high: number, options: SuggestFloatOptions): number[] {
  if (options.step === undefined) {
    throw new InvalidArgumentError(
      `grid parameter ${quote(name)}`,
      [low, high],
      'a Float with a step (or a Choice): a continuous range has no grid',
    );
  }
  const n = Math.round((high - low) / options.step) + 1;
  if (n > MAX_GRID_POINTS)
    throw new InvalidArgumentError(
      `grid parameter ${quote(name)}`,
      [low, high, options.step],
      `at most ${MAX_GRID_POINTS} values`,
    );
  return Array.from({ length: n }, (_, i) => Math.min(high, low + i * options.step!));
}

/**
 * Every point of a define-by-run space, found by running `define` repeatedly as an odometer over
 * the parameters in the order it asks for them: the last parameter turns fastest, and a parent's
 * new value may bring different children (conditional spaces are enumerated exactly).
 */
export async function enumerateGrid(define: (api: SuggestApi) => unknown): Promise<Record<string, ParamValue>[]> {
  const path: Axis[] = [];
  const points: Record<string, ParamValue>[] = [];
  for (;;) {
    const point: Record<string, ParamValue> = {};
    let depth = 0;
    const take = (name: string, values: () => readonly ParamValue[]): ParamValue => {
      if (name in point) return point[name] as ParamValue;
      const axis = path[depth];
      if (axis === undefined || axis.name !== name) {
        path.length = depth;
        path.push({ name, values: values(), index: 0 });
      }
      const current = path[depth] as Axis;
      depth++;
      point[name] = current.values[current.index] as ParamValue;
      return point[name];
    };
    const api: SuggestApi = {
      suggestInt: (name, low, high, options = {}) => take(name, () => intValues(name, low, high, options)) as number,
      suggestFloat: (name, low, high, options = {}) =>
        take(name, () => floatValues(name, low, high, options)) as number,
      suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]) =>
        take(name, () => choices) as T,
    };
    await define(api);
    path.length = depth; // a branch may have asked for fewer parameters than the last one
    points.push(point);
    if (points.length > MAX_GRID_POINTS)
      throw new InvalidArgumentError('grid', `> ${MAX_GRID_POINTS} points`, `at most ${MAX_GRID_POINTS} points`);
    let i = path.length - 1;
    while (i >= 0 && (path[i] as Axis).index === (path[i] as Axis).values.length - 1) i--;
    if (i < 0) return points;
    (path[i] as Axis).index++;
    path.length = i + 1;
  }
}

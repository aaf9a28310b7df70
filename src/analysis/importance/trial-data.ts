import { InvalidArgumentError } from '../../errors';
import { distributionsEqual, type Distribution } from '../../space/distributions';
import type { StudyView } from '../../study/study-view';
import type { FrozenTrial } from '../../trial/frozen-trial';

/** What an importance evaluator reads from a study. */
export type ImportanceStudy = Pick<StudyView, 'directions' | 'getTrials'>;

/** The number importances explain; lower is better for PED-ANOVA when it is given. */
export type ImportanceTarget = (trial: FrozenTrial) => number;

/** Which parameters to assess and against which number (Optuna's `params` and `target`). */
export interface ImportanceQuery {
  readonly params?: readonly string[];
  readonly target?: ImportanceTarget;
}

/** The objective value, or `target` when given; several objectives need a target. */
export function targetOf(study: ImportanceStudy, target: ImportanceTarget | undefined, who: string): ImportanceTarget {
  if (target !== undefined) {
    if (typeof target !== 'function') {
      throw new InvalidArgumentError(`${who} target`, target, 'a function (trial) => number');
    }
    return target;
  }
  if (study.directions.length > 1) {
    throw new InvalidArgumentError(
      `${who} target`,
      target,
      `a function (trial) => number for a study with ${study.directions.length} objectives, e.g. (t) => t.values[0]`,
    );
  }
  return (t) => (t.values ?? [])[0] ?? NaN;
}

/** Complete trials whose target is finite (Optuna drops the others before it fits anything). */
export function finiteTrials(study: ImportanceStudy, target: ImportanceTarget): FrozenTrial[] {
  return study.getTrials({ states: ['COMPLETE'] }).filter((t) => Number.isFinite(target(t)));
}

/** `params` checked: an array of names. */
export function checkParams(params: unknown, who: string): readonly string[] | undefined {
  if (params === undefined) return undefined;
  if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) {
    throw new InvalidArgumentError(`${who} params`, params, 'an array of parameter names');
  }
  return params as string[];
}

/**
 * The parameters present with one distribution in every complete trial (Optuna's intersection
 * search space), sorted by name, narrowed to `params` when given (each must be in it).
 */
export function intersectionSpace(
  trials: readonly FrozenTrial[],
  params: readonly string[] | undefined,
  who: string,
): Map<string, Distribution> {
  let space: Map<string, Distribution> | null = null;
  for (const t of trials) {
    const own = new Map(Object.entries(t.distributions));
    if (space === null) {
      space = own;
      continue;
    }
    for (const [name, d] of space) {
      const other = own.get(name);
      if (other === undefined || !distributionsEqual(d, other)) space.delete(name);
    }
  }
  const all = space ?? new Map<string, Distribution>();
  const names = params ?? [...all.keys()];
  const missing = names.filter((p) => !all.has(p));
  if (missing.length > 0 && trials.length > 0) {
    throw new InvalidArgumentError(
      `${who} params`,
      params,
      `parameters every complete trial has with one distribution (missing: ${missing.join(', ')}; available: ${[...all.keys()].sort().join(', ')})`,
    );
  }
  const out = new Map<string, Distribution>();
  for (const name of [...names].sort()) {
    const d = all.get(name);
    if (d !== undefined) out.set(name, d);
  }
  return out;
}

/**
 * The trials as forest features (Optuna's search-space transform without log or step): a number
 * as itself, a categorical as one-hot columns. `bounds[c]` is column c's range and `columnsOf[p]`
 * the columns of parameter p.
 */
export interface EncodedTrials {
  readonly columns: Float64Array[];
  readonly bounds: [number, number][];
  readonly columnsOf: number[][];
}

export function encodeTrials(trials: readonly FrozenTrial[], space: ReadonlyMap<string, Distribution>): EncodedTrials {
  const columns: Float64Array[] = [];
  const bounds: [number, number][] = [];
  const columnsOf: number[][] = [];
  for (const [name, d] of space) {
    const own: number[] = [];
    if (d.type === 'categorical') {
      const index = trials.map((t) => d.toInternal(t.params[name] ?? null));
      for (let k = 0; k < d.choices.length; k++) {
        own.push(columns.length);
        columns.push(Float64Array.from(index, (i) => (i === k ? 1 : 0)));
        bounds.push([0, 1]);
      }
    } else {
      own.push(columns.length);
      columns.push(Float64Array.from(trials, (t) => t.params[name] as number));
      bounds.push([d.low, d.high]);
    }
    columnsOf.push(own);
  }
  return { columns, bounds, columnsOf };
}

/** Importances in descending order, ties by name (Optuna's `_sort_dict_by_importance`). */
export function sortedImportances(entries: Iterable<[string, number]>): Map<string, number> {
  const list = [...entries].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(list);
}

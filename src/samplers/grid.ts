import { InvalidArgumentError, TfjsTuneError, quote } from '../errors';
import { Rng } from '../random/rng';
import type { CategoricalChoice, Distribution, ParamValue } from '../space/distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { Sampler } from './base';

export type GridSearchSpace = Readonly<Record<string, readonly CategoricalChoice[]>>;

export interface GridSamplerOptions {
  /** Shuffles the order in which grid points are visited; defaults to the study's seed. */
  readonly seed?: number;
}

/**
 * Visits every point of a grid exactly once. Trial number `n` gets point `order[n]`, where `order`
 * is a seeded permutation of the grid; because storages number trials atomically and the sampler
 * caps the study at the grid's size (`maxTrials`), several processes sharing a study split the
 * grid between them with no repeats, and the study stops when the grid is exhausted.
 *
 * A point whose trial failed counts as visited (as in Optuna); an enqueued trial takes the place
 * of the grid point its number would have had.
 *
 * @example
 * ```ts
 * const sampler = new tune.GridSampler({ lr: [1e-3, 1e-2], units: [32, 64, 128] });
 * const study = await tune.createStudy({ sampler });
 * await study.optimize(objective); // 6 trials, then stops
 * ```
 */
export class GridSampler implements Sampler {
  private readonly names: string[];
  private readonly values: (readonly CategoricalChoice[])[];
  readonly size: number;
  private order: number[] | null = null;
  private seed: number | undefined;

  constructor(searchSpace: GridSearchSpace, options: GridSamplerOptions = {}) {
    if (searchSpace === null || typeof searchSpace !== 'object' || Array.isArray(searchSpace)) {
      throw new InvalidArgumentError(
        'searchSpace',
        searchSpace,
        'an object mapping parameter names to arrays of values',
      );
    }
    // Sorted names: the grid's order must not depend on how the object was written.
    this.names = Object.keys(searchSpace).sort();
    if (this.names.length === 0) throw new InvalidArgumentError('searchSpace', searchSpace, 'at least one parameter');
    this.values = this.names.map((name) => {
      const vals = searchSpace[name];
      if (!Array.isArray(vals) || vals.length === 0) {
        throw new InvalidArgumentError(`searchSpace.${name}`, vals, 'a non-empty array of values');
      }
      for (const v of vals) {
        const scalar = v === null || ['number', 'string', 'boolean'].includes(typeof v);
        if (!scalar) throw new InvalidArgumentError(`searchSpace.${name}`, v, 'numbers, strings, booleans or null');
      }
      return (vals as readonly CategoricalChoice[]).slice();
    });
    this.size = this.values.reduce((n, v) => n * v.length, 1);
    this.seed = options.seed;
  }

  bindStudySeed(seed: number): void {
    this.seed ??= seed;
  }

  maxTrials(): number {
    return this.size;
  }

  inferRelativeSearchSpace(): Record<string, Distribution> {
    return {};
  }

  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string): ParamValue {
    const axis = this.names.indexOf(name);
    if (axis < 0) {
      throw new TfjsTuneError(
        `GridSampler: parameter ${quote(name)} is not in the grid (grid parameters: ${this.names.join(', ')})`,
      );
    }
    const point = this.pointOf(this.orderFor(study)[trial.number % this.size] as number);
    return point[axis] as ParamValue;
  }

  /** The values of grid point `id` (mixed-radix decoding, last name fastest). */
  pointOf(id: number): ParamValue[] {
    const point: ParamValue[] = new Array<ParamValue>(this.names.length);
    let rest = id;
    for (let axis = this.names.length - 1; axis >= 0; axis--) {
      const vals = this.values[axis] as readonly CategoricalChoice[];
      point[axis] = vals[rest % vals.length] as ParamValue;
      rest = Math.floor(rest / vals.length);
    }
    return point;
  }

  private orderFor(study: StudyView): number[] {
    if (this.order === null) {
      const ids = Array.from({ length: this.size }, (_, i) => i);
      this.order = new Rng(this.seed ?? study.seed).derive('grid-order').shuffle(ids);
    }
    return this.order;
  }
}

import { InvalidArgumentError, quote } from '../errors';
import type { CategoricalChoice, ParamValue } from '../space/distributions';
import type { SuggestApi } from '../training/hyper-model';

export interface HpIntOptions {
  readonly step?: number;
  readonly sampling?: 'linear' | 'log';
  readonly default?: number;
}
export interface HpFloatOptions {
  readonly step?: number;
  readonly sampling?: 'linear' | 'log';
  readonly default?: number;
}

const SAMPLINGS = ['linear', 'log'];

function checkSampling(name: string, sampling: string | undefined): boolean {
  if (sampling !== undefined && !SAMPLINGS.includes(sampling)) {
    throw new InvalidArgumentError(`${name}.sampling`, sampling, "'linear' or 'log'");
  }
  return sampling === 'log';
}

/**
 * KerasTuner's `hp` for a build function: `hp.Int`, `hp.Float`, `hp.Choice`, `hp.Boolean`,
 * `hp.Fixed` return the value to use in this trial (define-by-run), and `conditionalScope` runs a
 * block only under some values of a parent parameter. Every call goes to a `SuggestApi` — a study
 * trial during search, or a replay of stored values when a best model is rebuilt.
 *
 * @example
 * ```ts
 * const build = (hp: tune.HyperParameters) => {
 *   const model = tf.sequential();
 *   model.add(tf.layers.dense({ inputShape: [8], units: hp.Int('units', 16, 128, { step: 16 }), activation: 'relu' }));
 *   model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
 *   model.compile({ optimizer: tf.train.adam(hp.Float('lr', 1e-4, 1e-2, { sampling: 'log' })), loss: 'categoricalCrossentropy', metrics: ['acc'] });
 *   return model;
 * };
 * ```
 */
export class HyperParameters {
  private readonly active: Record<string, ParamValue> = {};

  constructor(private readonly api: SuggestApi) {}

  /** An integer in [min, max] (both inclusive). */
  Int(name: string, min: number, max: number, options: HpIntOptions = {}): number {
    const log = checkSampling(name, options.sampling);
    const value = this.api.suggestInt(name, min, max, {
      log,
      ...(options.step !== undefined ? { step: options.step } : {}),
    });
    return this.record(name, value) as number;
  }

  /** A float in [min, max]; `sampling: 'log'` for rates, `step` for a grid. */
  Float(name: string, min: number, max: number, options: HpFloatOptions = {}): number {
    const log = checkSampling(name, options.sampling);
    const value = this.api.suggestFloat(name, min, max, {
      log,
      ...(options.step !== undefined ? { step: options.step } : {}),
    });
    return this.record(name, value) as number;
  }

  /** One of `values`. */
  Choice<T extends CategoricalChoice>(name: string, values: readonly T[]): T {
    return this.record(name, this.api.suggestCategorical(name, values)) as T;
  }

  Boolean(name: string): boolean {
    return this.Choice(name, [false, true]);
  }

  /** A constant that is still recorded with the trial (so results show it). */
  Fixed<T extends CategoricalChoice>(name: string, value: T): T {
    return this.Choice(name, [value]);
  }

  /**
   * Runs `block` only while parameter `parent` (already defined) has one of `values`; its
   * parameters are then active for this trial, and absent otherwise.
   */
  conditionalScope<R>(parent: string, values: readonly CategoricalChoice[], block: () => R): R | undefined {
    if (!(parent in this.active)) {
      throw new InvalidArgumentError(
        'conditionalScope(parent)',
        parent,
        `a parameter defined before the scope (defined: ${quote(Object.keys(this.active))})`,
      );
    }
    return values.includes(this.active[parent] as CategoricalChoice) ? block() : undefined;
  }

  /** The value of a parameter defined in this trial. */
  get(name: string): ParamValue {
    if (!(name in this.active))
      throw new InvalidArgumentError(
        'hp.get(name)',
        name,
        `a defined parameter (${Object.keys(this.active).join(', ')})`,
      );
    return this.active[name] as ParamValue;
  }

  /** Every parameter active in this trial. */
  get values(): Readonly<Record<string, ParamValue>> {
    return { ...this.active };
  }

  private record(name: string, value: ParamValue): ParamValue {
    this.active[name] = value;
    return value;
  }
}

/**
 * A SuggestApi that replays stored values (to rebuild a trial's model) and refuses names it does
 * not know — the build function changed since the search.
 */
export function replaySuggestApi(values: Readonly<Record<string, ParamValue>>): SuggestApi {
  const get = (name: string): ParamValue => {
    if (!(name in values)) {
      throw new InvalidArgumentError(
        'hyperparameter',
        name,
        `one of the stored parameters (${Object.keys(values).join(', ')})`,
      );
    }
    return values[name] as ParamValue;
  };
  return {
    suggestFloat: (name) => get(name) as number,
    suggestInt: (name) => get(name) as number,
    suggestCategorical: <T extends CategoricalChoice>(name: string) => get(name) as T,
  };
}

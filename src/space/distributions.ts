import { InvalidArgumentError, TfjsTuneError, quote } from '../errors';

/** A categorical choice may be any JSON scalar. */
export type CategoricalChoice = number | string | boolean | null;
/** What `suggest*` hands back. */
export type ParamValue = CategoricalChoice;

/** The JSON form of a distribution, as stored. */
export type DistributionJson =
  | { type: 'float'; low: number; high: number; log: boolean; step: number | null }
  | { type: 'int'; low: number; high: number; log: boolean; step: number }
  | { type: 'categorical'; choices: CategoricalChoice[] };

/**
 * What every distribution offers. The *internal* representation is a number: the value itself for
 * float and int, the index of the choice for categorical (Optuna's convention), so storages and
 * samplers deal in numbers alone.
 */
export interface DistributionBase {
  /** Internal number -> the value the objective sees. */
  toExternal(internal: number): ParamValue;
  /** Value the objective sees -> internal number; throws if the value is not in the distribution. */
  toInternal(value: ParamValue): number;
  /** Whether an internal number is a legal point of this distribution. */
  containsInternal(internal: number): boolean;
  /** True when only one value is possible. */
  single(): boolean;
  toJSON(): DistributionJson;
  /** A short human-readable form for error messages. */
  describe(): string;
}

const EPS = 1e-8;

function checkFinite(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(field, value, 'a finite number');
  }
}

/** Validates the rules float and int ranges share, naming the parameter in every message. */
function checkRange(name: string, low: number, high: number, log: boolean, step: number | null): void {
  checkFinite(`${name}.low`, low);
  checkFinite(`${name}.high`, high);
  if (low > high) throw new InvalidArgumentError(`${name}.low`, low, `low <= high (high is ${high})`);
  if (log && low <= 0) throw new InvalidArgumentError(`${name}.low`, low, 'low > 0 when log is true');
  if (log && step !== null) {
    throw new InvalidArgumentError(`${name}.step`, step, 'no step when log is true (log and step cannot be combined)');
  }
  if (step !== null) {
    checkFinite(`${name}.step`, step);
    if (step <= 0) throw new InvalidArgumentError(`${name}.step`, step, 'a positive number');
  }
}

/** A real-valued range, optionally log-scaled or discretised by `step` (`low + k * step`).
 *
 * @example
 * ```ts
 * const lr = new tune.FloatDistribution(1e-4, 1e-1, true); // log-scaled
 * lr.toInternal(0.01); // 0.01
 * ```
 */
export class FloatDistribution implements DistributionBase {
  readonly type = 'float' as const;
  readonly step: number | null;

  constructor(
    readonly low: number,
    readonly high: number,
    readonly log = false,
    step: number | null = null,
    name = 'float',
  ) {
    this.step = step;
    checkRange(name, low, high, log, step);
    if (step !== null) {
      const k = (high - low) / step;
      if (Math.abs(k - Math.round(k)) > 1e-6 * Math.max(1, Math.abs(k))) {
        throw new InvalidArgumentError(
          `${name}.step`,
          step,
          `a step that divides high - low (${high} - ${low} = ${high - low}) into whole steps`,
        );
      }
    }
  }

  toExternal(internal: number): number {
    return internal;
  }

  toInternal(value: ParamValue): number {
    if (typeof value !== 'number' || !this.containsInternal(value)) {
      throw new InvalidArgumentError('value', value, `a value in ${this.describe()}`);
    }
    return value;
  }

  containsInternal(v: number): boolean {
    if (!Number.isFinite(v) || v < this.low - EPS || v > this.high + EPS) return false;
    if (this.step === null) return true;
    const k = (v - this.low) / this.step;
    return Math.abs(k - Math.round(k)) < 1e-6;
  }

  single(): boolean {
    if (this.step !== null) return this.high - this.low < this.step;
    return this.low === this.high;
  }

  toJSON(): DistributionJson {
    return { type: 'float', low: this.low, high: this.high, log: this.log, step: this.step };
  }

  describe(): string {
    return `FloatDistribution(low=${this.low}, high=${this.high}, log=${this.log}, step=${this.step})`;
  }
}

/** An integer range, optionally log-scaled or with a step (`low + k * step`).
 *
 * @example
 * ```ts
 * const units = new tune.IntDistribution(16, 256, false, 16);
 * units.containsInternal(48); // true
 * ```
 */
export class IntDistribution implements DistributionBase {
  readonly type = 'int' as const;

  constructor(
    readonly low: number,
    readonly high: number,
    readonly log = false,
    readonly step = 1,
    name = 'int',
  ) {
    checkRange(name, low, high, log, log && step === 1 ? null : step);
    for (const [field, v] of [
      ['low', low],
      ['high', high],
      ['step', step],
    ] as const) {
      if (!Number.isInteger(v)) throw new InvalidArgumentError(`${name}.${field}`, v, 'an integer');
    }
    if ((high - low) % step !== 0) {
      throw new InvalidArgumentError(
        `${name}.step`,
        step,
        `a step that divides high - low (${high} - ${low} = ${high - low}) exactly`,
      );
    }
  }

  toExternal(internal: number): number {
    return Math.round(internal);
  }

  toInternal(value: ParamValue): number {
    if (typeof value !== 'number' || !this.containsInternal(value)) {
      throw new InvalidArgumentError('value', value, `a value in ${this.describe()}`);
    }
    return value;
  }

  containsInternal(v: number): boolean {
    return Number.isInteger(v) && v >= this.low && v <= this.high && (v - this.low) % this.step === 0;
  }

  single(): boolean {
    return this.high - this.low < this.step || this.low === this.high;
  }

  toJSON(): DistributionJson {
    return { type: 'int', low: this.low, high: this.high, log: this.log, step: this.step };
  }

  describe(): string {
    return `IntDistribution(low=${this.low}, high=${this.high}, log=${this.log}, step=${this.step})`;
  }
}

/** One of a list of JSON scalars; internally the index of the choice.
 *
 * @example
 * ```ts
 * const act = new tune.CategoricalDistribution(['relu', 'tanh']);
 * act.toInternal('tanh'); // 1
 * ```
 */
export class CategoricalDistribution implements DistributionBase {
  readonly type = 'categorical' as const;
  readonly choices: readonly CategoricalChoice[];

  constructor(choices: readonly CategoricalChoice[], name = 'categorical') {
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new InvalidArgumentError(`${name}.choices`, choices, 'a non-empty array');
    }
    const seen = new Set<string>();
    for (const c of choices) {
      const ok = c === null || ['number', 'string', 'boolean'].includes(typeof c);
      if (!ok || (typeof c === 'number' && !Number.isFinite(c))) {
        throw new InvalidArgumentError(`${name}.choices`, c, 'numbers, strings, booleans or null');
      }
      const key = `${typeof c}:${String(c)}`;
      if (seen.has(key))
        throw new InvalidArgumentError(`${name}.choices`, choices, `no duplicate choices (${quote(c)} repeats)`);
      seen.add(key);
    }
    this.choices = Object.freeze((choices as readonly CategoricalChoice[]).slice());
  }

  toExternal(internal: number): ParamValue {
    if (!this.containsInternal(internal)) {
      throw new InvalidArgumentError('index', internal, `an index in 0..${this.choices.length - 1}`);
    }
    return this.choices[internal] as ParamValue;
  }

  toInternal(value: ParamValue): number {
    const i = this.choices.findIndex((c) => c === value);
    if (i < 0) throw new InvalidArgumentError('value', value, `one of ${quote(this.choices)}`);
    return i;
  }

  containsInternal(v: number): boolean {
    return Number.isInteger(v) && v >= 0 && v < this.choices.length;
  }

  single(): boolean {
    return this.choices.length === 1;
  }

  toJSON(): DistributionJson {
    return { type: 'categorical', choices: this.choices.slice() };
  }

  describe(): string {
    return `CategoricalDistribution(choices=${quote(this.choices)})`;
  }
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** Rebuilds a distribution from its JSON form (as stored). */
export function distributionFromJson(json: DistributionJson): Distribution {
  switch (json.type) {
    case 'float':
      return new FloatDistribution(json.low, json.high, json.log, json.step);
    case 'int':
      return new IntDistribution(json.low, json.high, json.log, json.step);
    case 'categorical':
      return new CategoricalDistribution(json.choices);
    default:
      throw new TfjsTuneError(`unknown distribution type ${quote((json as { type: unknown }).type)}`);
  }
}

/** Two distributions are equal when their JSON forms are. */
export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON());
}

/**
 * Whether a later trial may use `b` for a parameter an earlier trial suggested with `a`: same type,
 * same log setting, and for categoricals the same choices (Optuna's rule; ranges may change).
 */
export function distributionsCompatible(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type) return false;
  if (a.type !== 'categorical' && b.type !== 'categorical' && a.log !== b.log) return false;
  if (a.type === 'categorical' && b.type === 'categorical') {
    return JSON.stringify(a.choices) === JSON.stringify(b.choices);
  }
  return true;
}

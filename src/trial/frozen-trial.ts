import { TfjsTuneError } from '../errors';
import type { Distribution, ParamValue } from '../space/distributions';
import type { JsonValue } from './json';
import type { TrialState } from './state';

/** The fields a storage fills in; {@link FrozenTrial} adds conveniences on top. */
export interface FrozenTrialFields {
  readonly trialId: number;
  readonly number: number;
  readonly state: TrialState;
  readonly values: readonly number[] | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  readonly intermediateValues: ReadonlyMap<number, number>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;
}

/**
 * An immutable snapshot of a trial as the storage holds it. Storages hand out new snapshots and
 * never mutate one they returned (the contract Optuna's storages keep too).
 *
 * @example
 * ```ts
 * for (const t of study.trials) console.log(t.number, t.state, t.values, t.params);
 * ```
 */
export class FrozenTrial implements FrozenTrialFields {
  readonly trialId: number;
  readonly number: number;
  readonly state: TrialState;
  readonly values: readonly number[] | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  readonly intermediateValues: ReadonlyMap<number, number>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;

  constructor(fields: FrozenTrialFields) {
    this.trialId = fields.trialId;
    this.number = fields.number;
    this.state = fields.state;
    this.values = fields.values === null ? null : Object.freeze(fields.values.slice());
    this.params = Object.freeze({ ...fields.params });
    this.distributions = Object.freeze({ ...fields.distributions });
    this.intermediateValues = new Map(fields.intermediateValues);
    this.userAttrs = Object.freeze({ ...fields.userAttrs });
    this.systemAttrs = Object.freeze({ ...fields.systemAttrs });
    this.datetimeStart = fields.datetimeStart;
    this.datetimeComplete = fields.datetimeComplete;
    Object.freeze(this);
  }

  /** The single objective value; an error for multi-objective trials, null when not complete. */
  get value(): number | null {
    if (this.values === null) return null;
    if (this.values.length !== 1) {
      throw new TfjsTuneError(
        `trial ${this.number} has ${this.values.length} values; use .values for multi-objective trials`,
      );
    }
    return this.values[0] as number;
  }

  /** Milliseconds from start to completion, or null while running. */
  get durationMs(): number | null {
    if (this.datetimeStart === null || this.datetimeComplete === null) return null;
    return this.datetimeComplete.getTime() - this.datetimeStart.getTime();
  }

  /** The highest step reported, or null when nothing was reported. */
  get lastStep(): number | null {
    let last: number | null = null;
    for (const step of this.intermediateValues.keys()) if (last === null || step > last) last = step;
    return last;
  }

  /**
   * A multi-objective trial's reported vectors by step (`trial.report([a, b], step)`), kept in the
   * system attribute `intermediate_vectors`; `intermediateValues` holds their first
   * component, the scalar projection that Optuna's schema and plots read. Empty for one objective.
   */
  get intermediateVectors(): ReadonlyMap<number, readonly number[]> {
    return readIntermediateVectors(this.systemAttrs[INTERMEDIATE_VECTORS_ATTR]);
  }

  /** Why the trial failed (set by the study when an objective throws or returns a bad value). */
  get failReason(): string | null {
    const reason = this.systemAttrs['fail_reason'];
    return typeof reason === 'string' ? reason : null;
  }

  /** A plain JSON form (for the CLI and reports). */
  toJSON(): Record<string, JsonValue> {
    const dists: Record<string, JsonValue> = {};
    for (const [k, d] of Object.entries(this.distributions)) dists[k] = d.toJSON();
    const inter: Record<string, number> = {};
    for (const [s, v] of this.intermediateValues) inter[String(s)] = v;
    return {
      number: this.number,
      state: this.state,
      values: this.values === null ? null : this.values.slice(),
      params: { ...this.params },
      distributions: dists,
      intermediateValues: inter,
      userAttrs: { ...this.userAttrs },
      systemAttrs: { ...this.systemAttrs },
      datetimeStart: this.datetimeStart?.toISOString() ?? null,
      datetimeComplete: this.datetimeComplete?.toISOString() ?? null,
    };
  }
}

/** The system attribute holding a multi-objective trial's intermediate vectors: `{ "<step>": [v0, v1, ...] }`. */
export const INTERMEDIATE_VECTORS_ATTR = 'intermediate_vectors';

/** Reads {@link INTERMEDIATE_VECTORS_ATTR}; JSON has no NaN, so a stored null reads back as NaN. */
export function readIntermediateVectors(stored: JsonValue | undefined): ReadonlyMap<number, readonly number[]> {
  const out = new Map<number, readonly number[]>();
  if (stored === null || stored === undefined || typeof stored !== 'object' || Array.isArray(stored)) return out;
  for (const [step, vector] of Object.entries(stored)) {
    if (!Array.isArray(vector)) continue;
    out.set(
      Number(step),
      vector.map((v) => (typeof v === 'number' ? v : Number.NaN)),
    );
  }
  return new Map([...out.entries()].sort(([a], [b]) => a - b));
}

/**
 * The one root of every error tfjs-tune throws on purpose, so callers can tell ours from the rest
 * with a single `instanceof TfjsTuneError`.
 */
export class TfjsTuneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Renders a value for an error message: strings quoted, everything else as JSON would show it. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A bad argument or config value: names the field, quotes the value and says what is allowed. */
export class InvalidArgumentError extends TfjsTuneError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${field}: got ${quote(value)}; expected ${allowed}`);
  }
}

/** Raised by an objective (or by `reportToTrial`) to end the trial as PRUNED.
 *
 * @example
 * ```ts
 * if (trial.shouldPrune()) throw new tune.TrialPruned();
 * ```
 */
export class TrialPruned extends TfjsTuneError {
  constructor(message = 'trial was pruned') {
    super(message);
  }
}

/** An operation needs a completed trial and there is none (e.g. `bestValue` of an empty study). */
export class NoCompletedTrialsError extends TfjsTuneError {}

/** A study name that is missing from, or already present in, a storage. */
export class StudyNotFoundError extends TfjsTuneError {}
export class DuplicatedStudyError extends TfjsTuneError {}

/** A write to a trial that has already finished (finished trials are immutable, as in Optuna). */
export class TrialFinishedError extends TfjsTuneError {}

/** Storage-level failure (cannot open, schema too new, ...). */
export class StorageError extends TfjsTuneError {}

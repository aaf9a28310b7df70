import { InvalidArgumentError } from '../src/errors';

/** Throws unless `value` is an integer in `[min, max]`. */
export function checkInt(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new InvalidArgumentError(field, value, allowed);
  }
}

/** Throws unless `value` is a finite number in `[min, max]`. */
export function checkRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, value, `a number in [${min}, ${max}]`);
  }
}

/** Throws unless `seed` is usable by `Rng` (a finite number or a string). */
export function checkSeed(seed: unknown): asserts seed is number | string {
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)))) {
    throw new InvalidArgumentError('seed', seed, 'a finite number or a string');
  }
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
}

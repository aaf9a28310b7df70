import { InvalidArgumentError } from '../../errors';

/** A value as a function of the epoch (0-based; fractional epochs are allowed for per-batch use). */
export type Schedule = (epoch: number) => number;

/** A finite number, or an error naming `field`. */
export function finite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidArgumentError(field, value, 'a finite number');
  return value;
}

/** A finite number > 0 (or >= 0 when `allowZero`). */
export function positive(field: string, value: unknown, allowZero = false): number {
  const v = finite(field, value);
  if (allowZero ? v < 0 : v <= 0) {
    throw new InvalidArgumentError(field, value, allowZero ? 'a finite number >= 0' : 'a finite number > 0');
  }
  return v;
}

/** An integer >= `min`. */
export function integer(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  }
  return value;
}

/** Checks the epoch a schedule is called with. */
export function checkEpoch(name: string, epoch: number): void {
  if (typeof epoch !== 'number' || !Number.isFinite(epoch) || epoch < 0) {
    throw new InvalidArgumentError(`${name}(epoch)`, epoch, 'a finite number >= 0');
  }
}

import { InvalidArgumentError } from '../../errors';

/** One cross-validation split: sample indices to train on and to test on (each ascending). */
export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** An integer >= `min`, or an error naming `field`. */
export function checkInteger(field: string, value: unknown, min: number, allowed = `an integer >= ${min}`): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new InvalidArgumentError(field, value, allowed);
  return value;
}

/** An integer in [min, max], or an error naming `field`. */
export function checkRange(field: string, value: unknown, min: number, max: number, allowed: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, value, allowed);
  }
  return value;
}

/** Checks that a seed is only given together with shuffle: true (as scikit-learn insists). */
export function checkSeed(field: string, shuffle: boolean, seed: number | undefined): void {
  if (seed !== undefined && !shuffle)
    throw new InvalidArgumentError(field, seed, 'no seed unless shuffle is true (it would have no effect)');
  if (seed !== undefined && !Number.isFinite(seed)) throw new InvalidArgumentError(field, seed, 'a finite number');
}

/** The split whose test set is `testIndices` (any order) out of `n` samples. */
export function splitFromTest(n: number, testIndices: readonly number[]): Split {
  const inTest = new Uint8Array(n);
  for (const i of testIndices) inTest[i] = 1;
  const test = new Int32Array(testIndices.length);
  const train = new Int32Array(n - testIndices.length);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (inTest[i] === 1) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

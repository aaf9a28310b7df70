import { InvalidArgumentError } from '../../errors';

/** A plain object (not an array, not null). */
export type Obj = Readonly<Record<string, unknown>>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Refuses keys outside `allowed`, so a typo is an error rather than a silently ignored setting. */
export function checkKeys(obj: Obj, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      throw new InvalidArgumentError(
        path === '' ? key : `${path}.${key}`,
        obj[key],
        `a known key: one of ${allowed.join(', ')}`,
      );
  }
}

export function optInt(obj: Obj, key: string, path: string, min: number): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new InvalidArgumentError(`${path}${key}`, v, `an integer >= ${min}`);
  return v;
}

export function optNumber(obj: Obj, key: string, path: string, min: number): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    throw new InvalidArgumentError(`${path}${key}`, v, `a number >= ${min}`);
  return v;
}

export function optString(obj: Obj, key: string, path: string, allowed?: readonly string[]): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || (allowed !== undefined && !allowed.includes(v))) {
    throw new InvalidArgumentError(
      `${path}${key}`,
      v,
      allowed === undefined ? 'a string' : `one of ${allowed.join(', ')}`,
    );
  }
  return v;
}

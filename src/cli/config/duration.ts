import { InvalidArgumentError } from '../../errors';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };
const PART = /(\d+(?:\.\d+)?)([smh])/g;

/**
 * A time budget in seconds from a number of seconds or a duration such as `30s`, `10m`, `2h` or
 * `1h30m` (units h, m, s; no spaces). Anything else, or a budget that is not > 0, is an error
 * naming `field`.
 */
export function parseDuration(value: unknown, field: string): number {
  const allowed = 'seconds > 0, or a duration such as 30s, 10m, 2h, 1h30m';
  if (typeof value === 'number') {
    if (!(Number.isFinite(value) && value > 0)) throw new InvalidArgumentError(field, value, allowed);
    return value;
  }
  if (typeof value !== 'string') throw new InvalidArgumentError(field, value ?? null, allowed);
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseDuration(Number(text), field);
  let seconds = 0;
  let consumed = '';
  for (const match of text.matchAll(PART)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
    consumed += match[0];
  }
  if (consumed.length === 0 || consumed !== text || !(seconds > 0))
    throw new InvalidArgumentError(field, value, allowed);
  return seconds;
}

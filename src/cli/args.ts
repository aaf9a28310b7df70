import { InvalidArgumentError } from '../errors';

/** Parsed command line: positionals and `--flag value` / `--flag=value` / boolean `--flag`. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
}

/** What a command accepts: flag name -> takes a value (true) or is boolean (false). */
export type FlagSpec = Readonly<Record<string, boolean>>;

/**
 * A small parser: unknown flags are errors that list the known ones (a typo must not be ignored),
 * and a flag that needs a value but has none is an error naming it.
 */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const takesValue = spec[name];
    if (takesValue === undefined) {
      const known = Object.keys(spec).map((f) => `--${f}`);
      throw new InvalidArgumentError('option', `--${name}`, `one of ${known.join(', ')}`);
    }
    if (!takesValue) {
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new InvalidArgumentError(`--${name}`, value ?? null, 'a value after the flag');
    }
    flags.set(name, value);
  }
  return { positionals, flags };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

/** An integer flag, refused with its name when not a whole number >= min. */
export function flagInt(args: ParsedArgs, name: string, min: number): number | undefined {
  const raw = flagString(args, name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError(`--${name}`, raw, `an integer >= ${min}`);
  return v;
}

/**
 * Refuses positionals beyond those a command takes (`names`, in order): a second CONFIG, or a value
 * whose flag was mistyped, must not be silently dropped.
 */
export function checkPositionals(args: ParsedArgs, names: readonly string[]): void {
  const extra = args.positionals[names.length];
  if (extra === undefined) return;
  const takes = names.length === 0 ? 'no positional arguments' : `only ${names.join(' ')}`;
  throw new InvalidArgumentError(`argument ${names.length + 1}`, extra, `nothing here: the command takes ${takes}`);
}

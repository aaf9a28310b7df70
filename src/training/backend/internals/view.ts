/**
 * The machinery of the internals module: a typed view of a tfjs object's private (or protected,
 * or untyped) fields, declared once with the list of the fields it reads and a probe that builds a
 * live tfjs object holding them. The list is what the canary test
 * (test/training/backend/tfjs-internals.test.ts) checks on the installed tfjs, so declaring an
 * access declares its canary.
 */

/** Where every access to tfjs internals lives: the canary's messages point here. */
export const INTERNALS_MODULE = 'src/training/backend/internals/';

/** `field`: present on the object (own or inherited, any value); `method`: a function. */
export type FieldKind = 'field' | 'method';

export interface InternalView {
  /** The tfjs class (or object) whose fields are read, e.g. `AdamOptimizer`. */
  readonly owner: string;
  readonly fields: Readonly<Record<string, FieldKind>>;
  /** A live tfjs object in the state the accessor reads it in (built, compiled ...). */
  probe(): object;
}

/** A check of something other than a field (a bundler-mangled name, a registry's behaviour). */
export interface InternalCheck {
  /** What is relied on, in a phrase: the canary reports `tfjs internals moved: <what>`. */
  readonly what: string;
  holds(): boolean;
}

const views: InternalView[] = [];
const checks: InternalCheck[] = [];

/** Every view declared so far (all of them once `internals/index.ts` is imported). */
export const INTERNAL_VIEWS: readonly InternalView[] = views;
/** Every other check declared so far. */
export const INTERNAL_CHECKS: readonly InternalCheck[] = checks;

/**
 * Declares the view `T` of `owner`'s fields and returns its accessor. `fields` must name every key
 * of `T` (the type says so), so the canary covers all that the accessor exposes.
 */
export function defineView<T, O extends object = object>(
  owner: string,
  fields: Readonly<Record<keyof T, FieldKind>>,
  probe: () => object,
): (object: O) => T {
  views.push({ owner, fields: fields as Readonly<Record<string, FieldKind>>, probe });
  // The one kind of cast the module exists for: a tfjs object seen through its view.
  return (object) => object as unknown as T;
}

/** Declares a check for the canary; returns `holds` for the caller's own use. */
export function defineCheck(what: string, holds: () => boolean): () => boolean {
  checks.push({ what, holds });
  return holds;
}

/**
 * tfjs exports several layer and regulariser classes only as types; their constructors are
 * reachable through an instance. Give the probe an explicit `name` when it is a layer, so it does
 * not consume an auto-naming uid.
 */
export function classOf<C>(probe: object): C {
  return (Object.getPrototypeOf(probe) as { constructor: unknown }).constructor as C;
}

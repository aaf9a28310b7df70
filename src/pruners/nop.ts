import type { Pruner } from './base';

/** Never prunes: the default.
 *
 * @example
 * ```ts
 * const study = await tune.createStudy({ pruner: new tune.NopPruner() });
 * ```
 */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}

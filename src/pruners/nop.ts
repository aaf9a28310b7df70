import type { Pruner } from './base';

/** Never prunes: the default. */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}

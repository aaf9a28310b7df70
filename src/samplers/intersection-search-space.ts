import { distributionsEqual, type Distribution } from '../space/distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import { FinishedTrialScan } from './finished-trial-scan';

export interface IntersectionSearchSpaceOptions {
  /** Count PRUNED trials as well as COMPLETE ones (TPE does; QMC does not). */
  readonly includePruned?: boolean;
}

/**
 * The parameters every finished trial of interest used, with the same distribution (Optuna's
 * `IntersectionSearchSpace`): the space a joint sampler may model. A parameter whose range changed
 * between trials drops out, and is sampled independently.
 *
 * Incremental: finished trials never change, so each call only visits trials from the oldest one
 * that was unfinished last time. One instance follows one study; given another, it starts over.
 *
 * @example
 * ```ts
 * const space = new tune.IntersectionSearchSpace();
 * const joint = space.calculate(study); // the parameters every finished trial shares
 * ```
 */
export class IntersectionSearchSpace {
  private readonly finished: FinishedTrialScan;
  private space: Map<string, Distribution> | null = null;

  constructor(options: IntersectionSearchSpaceOptions = {}) {
    this.finished = new FinishedTrialScan(options.includePruned === true ? ['COMPLETE', 'PRUNED'] : ['COMPLETE']);
  }

  /** The intersection, names sorted; `{}` before any trial of interest has finished. */
  calculate(study: StudyView): Record<string, Distribution> {
    this.finished.scan(
      study,
      () => (this.space = null),
      (t) => this.fold(t),
    );
    const out: Record<string, Distribution> = {};
    if (this.space === null) return out;
    for (const name of [...this.space.keys()].sort()) out[name] = this.space.get(name) as Distribution;
    return out;
  }

  private fold(t: FrozenTrial): void {
    if (this.space === null) {
      this.space = new Map(Object.entries(t.distributions));
      return;
    }
    for (const [name, d] of this.space) {
      const other = t.distributions[name];
      if (other === undefined || !distributionsEqual(d, other)) this.space.delete(name);
    }
  }
}

import type { Distribution } from '../../space/distributions';
import type { StudyView } from '../../study/study-view';
import { FinishedTrialScan } from '../finished-trial-scan';

/**
 * Optuna's group-decomposed search space: parameters are grouped so that every finished trial used
 * either all of a group or none of it. In a conditional space (`if (model === 'svm') suggest C`)
 * the branches become separate groups, each modelled jointly by multivariate TPE with exactly the
 * trials that used it.
 *
 * Each trial refines the partition: a group splits into the part the trial used and the part it
 * did not; names new to the study form one new group. Folding in a trial twice changes nothing,
 * so the incremental cursor may revisit trials safely.
 */
export class GroupDecomposedSearchSpace {
  private groups: Map<string, Distribution>[] = [];
  private readonly finished: FinishedTrialScan;

  constructor(includePruned = true) {
    this.finished = new FinishedTrialScan(includePruned ? ['COMPLETE', 'PRUNED'] : ['COMPLETE']);
  }

  /** The groups, each with sorted names, ordered by their first name. */
  calculate(study: StudyView): Record<string, Distribution>[] {
    this.finished.scan(
      study,
      () => (this.groups = []),
      (t) => this.add(t.distributions),
    );
    return this.groups
      .map((g) => {
        const out: Record<string, Distribution> = {};
        for (const name of [...g.keys()].sort()) out[name] = g.get(name) as Distribution;
        return out;
      })
      .sort((a, b) => ((Object.keys(a)[0] ?? '') < (Object.keys(b)[0] ?? '') ? -1 : 1));
  }

  private add(distributions: Readonly<Record<string, Distribution>>): void {
    const unseen = new Set(Object.keys(distributions));
    const next: Map<string, Distribution>[] = [];
    for (const g of this.groups) {
      const inside = new Map<string, Distribution>();
      const outside = new Map<string, Distribution>();
      for (const [name, d] of g) (unseen.has(name) ? inside : outside).set(name, d);
      for (const name of g.keys()) unseen.delete(name);
      if (inside.size > 0) next.push(inside);
      if (outside.size > 0) next.push(outside);
    }
    const fresh = new Map<string, Distribution>();
    for (const name of unseen) fresh.set(name, distributions[name] as Distribution);
    if (fresh.size > 0) next.push(fresh);
    this.groups = next;
  }
}

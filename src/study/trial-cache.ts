import type { Storage } from '../storage/base';
import type { FrozenTrial } from '../trial/frozen-trial';
import { isFinished, type TrialState } from '../trial/state';

/**
 * The study's synchronous view of its trials. Finished trials never change, so a refresh only
 * re-reads from the lowest-numbered trial that was unfinished last time: at 1,000 trials a refresh
 * costs a handful of rows, not a thousand.
 */
export class TrialCache {
  private trials: FrozenTrial[] = [];
  /** Every trial below this number was finished at the last refresh (so the scan can start here). */
  private unfinishedFrom = 0;

  /** Re-reads the trials that may have changed; returns them. */
  async refresh(storage: Storage, studyId: number): Promise<FrozenTrial[]> {
    const from = this.firstUnfinished();
    const fresh = await storage.getAllTrials(studyId, { fromNumber: from });
    for (const t of fresh) this.trials[t.number] = t;
    this.unfinishedFrom = from;
    return fresh;
  }

  /** Puts a snapshot this process already has (saves a read after tell). */
  upsert(trial: FrozenTrial): void {
    const current = this.trials[trial.number];
    // Never let a stale RUNNING copy overwrite a finished one read from storage.
    if (current !== undefined && isFinished(current.state) && !isFinished(trial.state)) return;
    this.trials[trial.number] = trial;
  }

  get(states?: readonly TrialState[]): FrozenTrial[] {
    const all = this.trials.filter((t): t is FrozenTrial => t !== undefined);
    return states === undefined ? all : all.filter((t) => states.includes(t.state));
  }

  private firstUnfinished(): number {
    for (let i = this.unfinishedFrom; i < this.trials.length; i++) {
      const t = this.trials[i];
      if (t === undefined || !isFinished(t.state)) return i;
    }
    return this.trials.length;
  }
}

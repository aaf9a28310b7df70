import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import { isFinished, type TrialState } from '../trial/state';

/**
 * Visits each finished trial of interest once, across calls: finished trials never change, so each
 * scan starts from the oldest trial that was unfinished last time. Follows one study; given another,
 * it starts over, calling `restart` first so the caller can drop what it derived from the old one.
 */
export class FinishedTrialScan {
  private cursor = 0;
  private studyName: string | null = null;

  constructor(private readonly states: readonly TrialState[]) {}

  /** Calls `visit` for the finished trials in `states` not visited yet. */
  scan(study: StudyView, restart: () => void, visit: (trial: FrozenTrial) => void): void {
    if (this.studyName !== study.studyName) {
      this.studyName = study.studyName;
      this.cursor = 0;
      restart();
    }
    const trials = study.getTrials();
    let next: number | null = null;
    for (const t of trials) {
      if (t.number < this.cursor) continue;
      if (!isFinished(t.state)) {
        next ??= t.number;
        continue;
      }
      if (this.states.includes(t.state)) visit(t);
    }
    const last = trials[trials.length - 1];
    this.cursor = next ?? (last === undefined ? 0 : last.number + 1);
  }
}

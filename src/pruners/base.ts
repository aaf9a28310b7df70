import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';

/**
 * A pruner answers one question from reported values: should this running trial stop now?
 * `trial` is a snapshot of the running trial including everything it has reported so far.
 */
export interface Pruner {
  prune(study: StudyView, trial: FrozenTrial): boolean;
  /** The study as the sampler should see it while sampling `trial` (Hyperband: the trial's bracket only). */
  filterStudyForSampler?(study: StudyView, trial: FrozenTrial): StudyView;
}

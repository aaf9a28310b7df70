import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyDirection, TrialState } from '../trial/state';
import type { Logger } from '../util/logger';

/**
 * What samplers and pruners may see of a study: synchronous reads of the study's trial cache
 * (refreshed from storage before each trial starts) and a way to stop the study.
 */
export interface StudyView {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /** The study's seed, from which every sampler without its own seed derives its streams. */
  readonly seed: number;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  /** Where samplers and pruners report what the user should know (fallbacks, skipped steps). */
  readonly logger?: Logger;
  /** Trials in number order, optionally filtered by state. */
  getTrials(options?: { states?: readonly TrialState[] }): readonly FrozenTrial[];
  /** Ends `optimize` after the trials now running. */
  stop(): void;
  /**
   * Records a system attribute on a trial this process is running (pruner bookkeeping, e.g. ASHA's
   * rung values); the trial's next snapshot and `getTrials` see it at once, other processes after a refresh.
   */
  setTrialSystemAttr?(trialNumber: number, key: string, value: JsonValue): void;
}
